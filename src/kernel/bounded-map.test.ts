import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedMap } from './bounded-map.js';

describe('BoundedMap', () => {
  it('forgets the oldest insertion first, never holding more than its capacity', () => {
    const map = new BoundedMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd'].entries()) map.set(key, i);
    assert.deepEqual(
      [...map.entries()],
      [
        ['b', 1],
        ['c', 2],
        ['d', 3],
      ],
    );
    assert.equal(map.has('a'), false);
    assert.deepEqual(map.oldest(), ['b', 1]);
  });

  it('set of a present key keeps its place; renew makes it the newest', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    map.set('a', 10);
    map.set('d', 4);
    assert.deepEqual([...map.keys()], ['b', 'c', 'd'], 'a was still the oldest');
    map.renew('b', 20);
    map.set('e', 5);
    assert.deepEqual(
      [...map.entries()],
      [
        ['d', 4],
        ['b', 20],
        ['e', 5],
      ],
    );
  });

  it('a deleted and re-inserted key is as new as its last insertion', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    map.delete('a');
    map.set('a', 11);
    map.set('d', 4);
    assert.deepEqual([...map.keys()], ['c', 'a', 'd'], 'b went, not the re-inserted a');
    assert.equal(map.delete('zz'), false);
    map.clear();
    assert.equal(map.size, 0);
    assert.equal(map.oldest(), undefined);
  });

  it('matches a Map trimmed by its first key under random churn', () => {
    let seed = 42;
    const random = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    const capacity = 50;
    const map = new BoundedMap<number, number>(capacity);
    const model = new Map<number, number>();
    for (let step = 0; step < 50_000; step++) {
      const key = random(200);
      const op = random(4);
      if (op === 0) {
        map.delete(key);
        model.delete(key);
      } else if (op === 1) {
        map.renew(key, step);
        model.delete(key);
        model.set(key, step);
      } else {
        map.set(key, step);
        model.set(key, step);
      }
      while (model.size > capacity) model.delete(model.keys().next().value as number);
      assert.equal(map.size, model.size);
      assert.deepEqual(map.oldest(), model.size === 0 ? undefined : [...model.entries()][0]);
    }
    assert.deepEqual([...map.entries()], [...model.entries()]);
  });

  it('refuses a capacity that is not a positive integer', () => {
    assert.throws(() => new BoundedMap(0), RangeError);
    assert.throws(() => new BoundedMap(1.5), RangeError);
  });
});

describe('BoundedMap under renewal', () => {
  it('a small map renewed a million times (compacted all along) stays exact', () => {
    const map = new BoundedMap<string, number>(100_000);
    for (let i = 0; i < 1_000_000; i++) map.renew(`source-${i % 3}`, i);
    assert.equal(map.size, 3);
    assert.deepEqual(map.oldest(), ['source-1', 999_997]);
    assert.deepEqual([...map.keys()], ['source-1', 'source-2', 'source-0']);
  });
});
