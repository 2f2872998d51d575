import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId } from '../../core/ports.js';
import { MemorySessionRegistry } from './memory-session-registry.js';

describe('MemorySessionRegistry', () => {
  it('reports a failing listener to onListenerError (the contract suite covers the rest)', async () => {
    const reported: unknown[] = [];
    const registry = new MemorySessionRegistry({ onListenerError: (error) => reported.push(error) });
    const bug = new Error('listener bug');
    registry.onChange(() => {
      throw bug;
    });
    await registry.add({
      id: 'web-1',
      userId: asUserId('u-juliet'),
      address: 'juliet@capulet.lit',
      protocol: 'web',
      resource: 'web-1',
      priority: 0,
      isAvailable: true,
      isInterested: true,
    });
    assert.deepEqual(reported, [bug]);
  });
});
