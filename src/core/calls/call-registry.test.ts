import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId, type UserId } from '../ports.js';
import type { PresenceSource } from '../presence/presence-source.js';
import { type CallLeg, CallRegistry } from './call-registry.js';
import { feedLinePresence } from './line-presence.js';
import { lineStateOf } from './line-state.js';

const bob = asUserId('u-bob');
const leg = (patch: Partial<CallLeg> = {}): CallLeg => ({
  id: 'leg-1',
  userId: bob,
  line: '1002',
  callId: 'c1',
  localTag: 'b1',
  remoteTag: 'a1',
  direction: 'recipient',
  state: 'early',
  remote: 'sip:alice@localhost',
  remoteDisplay: null,
  startedAt: 0,
  confirmedAt: null,
  held: false,
  ...patch,
});

describe('CallRegistry', () => {
  it('tells listeners of real changes only, and drops a terminated leg after telling', () => {
    const calls = new CallRegistry({ clock: new FakeClock() });
    const seen: string[] = [];
    calls.onChanged(({ leg: l, legsOfUser }) => seen.push(`${l.state}:${legsOfUser.length}`));
    calls.upsert(leg());
    calls.upsert(leg());
    calls.upsert(leg({ state: 'confirmed', confirmedAt: 5 }));
    assert.equal(calls.legsOf(bob).length, 1);
    calls.upsert(leg({ state: 'terminated' }));
    calls.upsert(leg({ state: 'terminated' }));
    assert.deepEqual(seen, ['early:1', 'confirmed:1', 'terminated:0']);
    assert.deepEqual(calls.legsOf(bob), []);
    assert.equal(calls.size, 0);
  });

  it('a throwing listener does not stop the others', () => {
    const errors: unknown[] = [];
    const calls = new CallRegistry({ clock: new FakeClock(), onListenerError: (e) => errors.push(e) });
    let told = 0;
    calls.onChanged(() => {
      throw new Error('boom');
    });
    calls.onChanged(() => told++);
    calls.upsert(leg());
    assert.equal(told, 1);
    assert.equal(errors.length, 1);
  });
});

describe('lineStateOf', () => {
  const table: [string, Partial<CallLeg>[], string][] = [
    ['no legs', [], 'idle'],
    ['ringing', [{ state: 'early' }], 'ringing'],
    ['trying outgoing', [{ state: 'trying', direction: 'initiator' }], 'ringing'],
    ['connected', [{ state: 'confirmed' }], 'on-call'],
    ['held', [{ state: 'confirmed', held: true }], 'held'],
    [
      'one held, one active',
      [
        { state: 'confirmed', held: true },
        { id: 'x', state: 'confirmed' },
      ],
      'on-call',
    ],
    ['terminated', [{ state: 'terminated' }], 'idle'],
  ];
  for (const [name, legs, expected] of table)
    it(name, () => assert.equal(lineStateOf(legs.map((p) => leg(p))), expected));
});

/** A registry fed into a presence sink that writes down what it is told. */
function feeding(): { calls: CallRegistry; log: string[] } {
  const calls = new CallRegistry({ clock: new FakeClock() });
  const log: string[] = [];
  feedLinePresence(calls, {
    update: (owner: UserId, source: PresenceSource) =>
      log.push(`${owner} ${source.kind} ${source.id} ${source.kind === 'line' ? source.state : ''}`),
    remove: (owner, kind, id) => log.push(`${owner} remove ${kind} ${id}`),
  });
  return { calls, log };
}

describe('feedLinePresence', () => {
  it('sets the line source while the call lasts and removes it after', () => {
    const { calls, log } = feeding();
    calls.upsert(leg());
    calls.upsert(leg({ state: 'confirmed' }));
    calls.upsert(leg({ state: 'terminated' }));
    calls.upsert(leg({ id: 'leg-2', line: null, state: 'confirmed' }));
    assert.deepEqual(log, [
      'u-bob line 1002 ringing',
      'u-bob line 1002 on-call',
      'u-bob remove line 1002',
      'u-bob line sip on-call',
    ]);
  });

  it('reports a line only when its state changes: a second call on a busy line is no update', () => {
    const { calls, log } = feeding();
    calls.upsert(leg({ state: 'confirmed' }));
    calls.upsert(leg({ id: 'leg-2' }));
    calls.upsert(leg({ id: 'leg-2', state: 'confirmed' }));
    calls.upsert(leg({ state: 'confirmed', held: true }));
    calls.upsert(leg({ id: 'leg-2', state: 'confirmed', held: true }));
    calls.upsert(leg({ id: 'leg-2', state: 'terminated' }));
    calls.upsert(leg({ state: 'terminated' }));
    assert.deepEqual(log, [
      'u-bob line 1002 on-call',
      // leg-2 ringing, then up, then leg-1 held: still on a call with leg-2. Then both held.
      'u-bob line 1002 held',
      // leg-2 ends: leg-1 is still held (no update); then leg-1 ends.
      'u-bob remove line 1002',
    ]);
  });
});
