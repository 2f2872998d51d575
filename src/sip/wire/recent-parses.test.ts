import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { recentParses } from './recent-parses.js';
import { parseVia } from './rfc3261-via.js';

describe('recentParses', () => {
  it('parses a text once while it is among the last `size`, then again', () => {
    const seen: string[] = [];
    const parse = recentParses((text: string) => {
      seen.push(text);
      return { length: text.length };
    }, 2);
    assert.equal(parse('ab').length, 2);
    assert.equal(parse('ab'), parse('ab'), 'the same result');
    parse('c');
    parse('d'); // 'ab' is forgotten (the oldest)
    parse('ab');
    assert.deepEqual(seen, ['ab', 'c', 'd', 'ab']);
    const long = 'x'.repeat(2000);
    parse(long);
    parse(long);
    assert.equal(seen.filter((t) => t === long).length, 2, 'long texts are not kept');
    assert.throws(() => recentParses((t) => t, 0), RangeError);
  });

  it('gives Via parsing the same answers, good and bad', () => {
    const good = parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK77');
    assert.ok(good.ok && good.value.branch === 'z9hG4bK77');
    assert.deepEqual(parseVia('SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK77'), good);
    assert.equal(parseVia('not a via').ok, false);
    assert.equal(parseVia('not a via').ok, false);
  });
});
