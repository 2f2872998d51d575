import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { asUserId } from '../ports.js';
import { OfflineEmptiness } from './offline-emptiness.js';

const alice = asUserId('alice');

function setUp(ttlMs = 60_000) {
  const clock = new FakeClock();
  const box: string[] = [];
  let reads = 0;
  const emptiness = new OfflineEmptiness({ clock, ttlMs, maxEntries: 2 });
  const read = () =>
    emptiness.read(alice, async () => {
      reads++;
      return [...box];
    });
  return { clock, box, emptiness, read, reads: () => reads };
}

describe('users known to have no offline messages (ADR 0008)', () => {
  it('remembers an empty box for the TTL, then asks again', async () => {
    const { clock, read, reads } = setUp();
    assert.deepEqual(await read(), []);
    assert.deepEqual(await read(), []);
    assert.equal(reads(), 1);
    clock.advance(60_000);
    await read();
    assert.equal(reads(), 2);
  });

  it('never remembers a box with messages, and forgets emptiness when one is stored', async () => {
    const { box, emptiness, read, reads } = setUp();
    await read();
    emptiness.stored(alice);
    box.push('hello');
    assert.deepEqual(await read(), ['hello']);
    assert.deepEqual(await read(), ['hello']);
    assert.equal(reads(), 3);
  });

  it('does not remember an empty answer read while a message was being stored', async () => {
    const { clock, box, emptiness, reads } = setUp();
    let release: () => void = () => {};
    const slow = emptiness.read(alice, async () => {
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return [] as string[];
    });
    emptiness.stored(alice);
    box.push('late');
    release();
    assert.deepEqual(await slow, []);
    clock.advance(1);
    assert.deepEqual(await emptiness.read(alice, async () => [...box]), ['late']);
    assert.equal(reads(), 0);
  });

  it('with a TTL of 0 always asks; keeps at most maxEntries users', async () => {
    const never = setUp(0);
    await never.read();
    await never.read();
    assert.equal(never.reads(), 2);
    const { emptiness } = setUp();
    let asked = 0;
    const ask = async () => {
      asked++;
      return [] as string[];
    };
    for (const name of ['a', 'b', 'c']) await emptiness.read(asUserId(name), ask);
    await emptiness.read(asUserId('a'), ask);
    assert.equal(asked, 4, 'a was the oldest of three with room for two');
    await emptiness.read(asUserId('c'), ask);
    assert.equal(asked, 4);
  });
});
