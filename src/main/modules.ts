/** Every module Herald ships, in no particular order (the loader sorts by dependencies). */
import { apiModules } from '../http/api/index.js';
import type { ModuleDefinition } from '../kernel/module.js';
import { sipModules } from '../sip/index.js';
import { xmppModules } from '../xmpp/index.js';

export const allModules: readonly ModuleDefinition[] = [...apiModules, ...xmppModules, ...sipModules];
