export { checkEndpoint, checkSameEndpoint } from './endpoint-checks.js';
export { MemorySessionRegistry, type MemorySessionRegistryOptions } from './memory-session-registry.js';
