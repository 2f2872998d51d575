import { sipEventsModule } from './events/index.js';
import { optionsModule } from './features/rfc3261-options.js';
import { messageModule } from './features/rfc3428-message.js';
import { sipProxyModule } from './proxy/index.js';
import { registrarModule } from './registrar/sip-registrar-module.js';
import { sipCoreModule } from './sip-core-module.js';
import { sipTransportModule } from './transport/index.js';

export { sipEventServerKey } from './events/index.js';
export { registrarKey, sipDigestAuthKey } from './registrar/sip-registrar-module.js';

/** The SIP side's modules. */
export const sipModules = [
  sipTransportModule,
  sipCoreModule,
  optionsModule,
  registrarModule,
  messageModule,
  sipEventsModule,
  sipProxyModule,
] as const;
