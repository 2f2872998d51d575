import { optionsModule } from './features/rfc3261-options.js';
import { sipCoreModule } from './sip-core-module.js';
import { sipTransportModule } from './transport/index.js';

/** The SIP side's modules. */
export const sipModules = [sipTransportModule, sipCoreModule, optionsModule] as const;
