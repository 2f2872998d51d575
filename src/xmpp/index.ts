import { messagesModule } from './features/rfc6121-messages.js';
import { presenceModule } from './features/rfc6121-presence.js';
import { rosterModule } from './features/rfc6121-roster.js';
import { lastActivityModule } from './features/xep0012-last-activity.js';
import { discoModule } from './features/xep0030-disco.js';
import { mucModule } from './features/xep0045-muc.js';
import { vcardModule } from './features/xep0054-vcard.js';
import { versionModule } from './features/xep0092-version.js';
import { pepModule } from './features/xep0163-pep.js';
import { blockingModule } from './features/xep0191-blocking.js';
import { smRerouteModule } from './features/xep0198-reroute.js';
import { pingModule } from './features/xep0199-ping.js';
import { externalServicesModule } from './features/xep0215-external-services.js';
import { carbonsModule } from './features/xep0280-carbons.js';
import { mamModule } from './features/xep0313-mam.js';
import { csiModule } from './features/xep0352-csi.js';
import { uploadModule } from './features/xep0363-upload.js';
import { c2sModule } from './stream/c2s-module.js';
import { xmppCoreModule } from './xmpp-core-module.js';

/** The XMPP side's modules (DESIGN.md: every protocol feature is a module). */
export const xmppModules = [
  xmppCoreModule,
  c2sModule,
  discoModule,
  pingModule,
  versionModule,
  rosterModule,
  presenceModule,
  messagesModule,
  blockingModule,
  smRerouteModule,
  externalServicesModule,
  carbonsModule,
  csiModule,
  uploadModule,
  pepModule,
  vcardModule,
  lastActivityModule,
  mamModule,
  mucModule,
] as const;
