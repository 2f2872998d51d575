import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type ArchivePlan, messageId, NEEDLE, needleCount, syntheticMessage } from './messages.js';

const plan: ArchivePlan = {
  count: 10_000,
  peers: 7,
  startAt: 1_000_000,
  stepMs: 1000,
  needleEvery: 1000,
  domain: 'd',
};

describe('syntheticMessage', () => {
  it('is deterministic and ordered by (at, id)', () => {
    assert.deepEqual(syntheticMessage(plan, 42), syntheticMessage(plan, 42));
    const a = syntheticMessage(plan, 9);
    const b = syntheticMessage(plan, 10);
    assert.ok(a.at < b.at);
    assert.ok(a.id < b.id);
    assert.equal(messageId(10), b.id);
  });

  it('cycles peers and directions', () => {
    assert.equal(syntheticMessage(plan, 0).peer, 'peer0@d');
    assert.equal(syntheticMessage(plan, 8).peer, 'peer1@d');
    assert.equal(syntheticMessage(plan, 0).direction, 'out');
    assert.equal(syntheticMessage(plan, 1).direction, 'in');
  });

  it('puts the needle in exactly needleCount bodies', () => {
    let found = 0;
    for (let i = 0; i < plan.count; i++) if (syntheticMessage(plan, i).body.includes(NEEDLE)) found++;
    assert.equal(found, needleCount(plan));
    assert.equal(found, 10);
  });

  it('refuses indexes outside the plan', () => {
    assert.throws(() => syntheticMessage(plan, plan.count), RangeError);
    assert.throws(() => syntheticMessage(plan, -1), RangeError);
  });
});
