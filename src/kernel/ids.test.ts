import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { randomIdSource, timePrefix } from './ids.js';

const byBytes = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

describe('randomIdSource', () => {
  it('gives 24 URL-safe characters, all different', () => {
    const ids = Array.from({ length: 2000 }, () => randomIdSource.next());
    for (const id of ids) assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{23}$/);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('keeps 96 random bits after the time: ids of the same millisecond differ there', () => {
    const [a, b] = [randomIdSource.next(), randomIdSource.next()];
    assert.notEqual(a?.slice(8), b?.slice(8));
  });

  it('ids made later sort after earlier ones, byte-wise, by their time prefix', async () => {
    const first = randomIdSource.next();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const second = randomIdSource.next();
    assert.ok(byBytes(first.slice(0, 8), second.slice(0, 8)) < 0, `${first} before ${second}`);
  });
});

describe('timePrefix', () => {
  it('sorts byte-wise in the order of the times, across digit boundaries', () => {
    const times = [0, 1, 63, 64, 65, 4095, 4096, 1_700_000_000_000, 1_796_249_375_952, 2 ** 47];
    const prefixes = times.map(timePrefix);
    for (const prefix of prefixes) assert.equal(prefix.length, 8);
    // Never a leading '-', which a command line would take for an option.
    for (const prefix of prefixes) assert.ok(!prefix.startsWith('-'), prefix);
    assert.deepEqual([...prefixes].sort(byBytes), prefixes);
    assert.equal(new Set(prefixes).size, prefixes.length);
  });
});
