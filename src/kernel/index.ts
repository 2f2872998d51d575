export { BoundedMap } from './bounded-map.js';
export { type Clock, systemClock, type TimerHandle } from './clock.js';
export {
  type Config,
  composeConfigSchema,
  type LoadConfigInput,
  loadConfig,
  type ModuleConfig,
  type ModuleOptionsSchemas,
  validateConfig,
} from './config.js';
export {
  DOMAIN_PATTERN,
  ENV_NON_CONFIG,
  ENV_OVERRIDES,
  type KernelConfig,
  KernelConfigSchema,
} from './config-schema.js';
export { Deadlines } from './deadlines.js';
export {
  conflict,
  forbidden,
  HeraldError,
  type HeraldErrorCode,
  invalid,
  isHeraldError,
  notFound,
} from './errors.js';
export { FakeClock } from './fake-clock.js';
export {
  filterHook,
  type HookKey,
  type HookKind,
  Hooks,
  handleHook,
  notifyHook,
  type Unhook,
} from './hooks.js';
export { type IdSource, randomIdSource, sequentialIdSource } from './ids.js';
export { Listeners, listenersKey } from './listeners.js';
export { createLogger, type Logger, REDACTED_PATHS, silentLogger } from './log.js';
export { Metrics } from './metrics.js';
export {
  defineModule,
  type ModuleContext,
  type ModuleDefinition,
  type ModuleInput,
  type Teardown,
} from './module.js';
export {
  type KernelServices,
  type LoadedModule,
  ModuleLoader,
  moduleOptionSchemas,
  orderModules,
} from './module-loader.js';
export { type Product, productKey } from './product.js';
export { GLOBAL_SCOPE, type ServiceKey, ServiceRegistry, serviceKey } from './services.js';
export { type TlsMaterial, tlsMaterialKey } from './tls-material.js';
export {
  type WebSocketConnection,
  type WebSocketEndpoint,
  WebSocketEndpoints,
  webSocketEndpointsKey,
} from './web-socket-endpoints.js';
