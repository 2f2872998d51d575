import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId, type DeviceRecord, type LineRecord } from '../ports.js';
import { DialPlan } from './dial-plan.js';

const alice = asUserId('alice');

/** A directory with one device of alice's; counts what it was asked. */
function directory(lineNumber: { value: string }) {
  let reads = 0;
  const device = {
    id: 'd1',
    name: 'desk',
    lineIds: ['l1'],
    callingSearchSpace: null,
  } as unknown as DeviceRecord;
  return {
    reads: () => reads,
    store: {
      devicesOfUser: async () => {
        reads++;
        return [device];
      },
      findLineById: async () =>
        ({ id: 'l1', number: lineNumber.value, partition: 'p' }) as unknown as LineRecord,
      findCallingSearchSpace: async () => undefined,
      findLine: async () => undefined,
      listDevices: async () => [],
      usersOfDevice: async () => [],
    },
  };
}

describe('DialPlan.primaryLine', () => {
  it('reads the directory every time without a cache', async () => {
    const number = { value: '1001' };
    const dir = directory(number);
    const plan = new DialPlan(dir.store);
    assert.equal(await plan.primaryLine(alice), '1001');
    number.value = '1002';
    assert.equal(await plan.primaryLine(alice), '1002');
    assert.equal(dir.reads(), 2);
  });

  it('with a cache, answers from it until the TTL, then reads again (ADR 0008)', async () => {
    const clock = new FakeClock();
    const number = { value: '1001' };
    const dir = directory(number);
    const plan = new DialPlan(dir.store, { clock, ttlMs: 10_000 });
    assert.equal(await plan.primaryLine(alice), '1001');
    number.value = '1002';
    clock.advance(9_999);
    assert.equal(await plan.primaryLine(alice), '1001');
    assert.equal(dir.reads(), 1);
    clock.advance(1);
    assert.equal(await plan.primaryLine(alice), '1002');
  });
});
