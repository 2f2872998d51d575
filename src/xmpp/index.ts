import { discoModule } from './features/xep0030-disco.js';
import { versionModule } from './features/xep0092-version.js';
import { pingModule } from './features/xep0199-ping.js';
import { c2sModule } from './stream/c2s-module.js';
import { xmppCoreModule } from './xmpp-core-module.js';

/** The XMPP side's modules (DESIGN.md: every protocol feature is a module). */
export const xmppModules = [xmppCoreModule, c2sModule, discoModule, pingModule, versionModule] as const;
