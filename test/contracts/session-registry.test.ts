/** Runs the SessionRegistry contract against every adapter (memory now; Redis when it comes). */
import { MemorySessionRegistry } from '../../src/infra/session/index.js';
import { describeSessionRegistryContract } from './session-registry-contract.js';

describeSessionRegistryContract('MemorySessionRegistry', async () => ({
  registry: new MemorySessionRegistry(),
  cleanup: async () => {},
}));
