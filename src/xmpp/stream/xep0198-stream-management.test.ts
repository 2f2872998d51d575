import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { el } from '../../xml/index.js';
import { parseH, StreamManagement } from './xep0198-stream-management.js';

const msg = (n: number) => el('message', { id: `m${n}` });

describe('XEP-0198 counters and queue', () => {
  it('counts handled stanzas and answers <a h=…/>', () => {
    const sm = new StreamManagement('id', true, 300, 100);
    sm.countHandled();
    sm.countHandled();
    assert.equal(sm.answer().attr('h'), '2');
  });

  it('keeps what is not acknowledged, in order, and drops what is (§4)', () => {
    const sm = new StreamManagement('id', true, 300, 100);
    for (const n of [1, 2, 3, 4]) sm.countSent(msg(n));
    assert.equal(sm.acknowledge(2), true);
    assert.equal(sm.unackedCount, 2);
    assert.equal(sm.acknowledge(2), true, 'the same h again acknowledges nothing new');
    assert.deepEqual(
      sm.takeUnacked().map((s) => s.attr('id')),
      ['m3', 'm4'],
    );
    assert.equal(sm.unackedCount, 0);
  });

  it('refuses an h beyond what was sent', () => {
    const sm = new StreamManagement('id', true, 300, 100);
    sm.countSent(msg(1));
    assert.equal(sm.acknowledge(5), false);
    assert.equal(sm.unackedCount, 1, 'nothing dropped');
  });

  it('reads h as an unsigned 32-bit integer (§4)', () => {
    assert.equal(parseH('4294967295'), 4294967295);
    assert.equal(parseH('4294967296'), null);
    assert.equal(parseH('-1'), null);
    assert.equal(parseH('x'), null);
  });

  it('reports when the queue overflows its limit', () => {
    const sm = new StreamManagement('id', true, 300, 2);
    assert.equal(sm.countSent(msg(1)), true);
    assert.equal(sm.countSent(msg(2)), true);
    assert.equal(sm.countSent(msg(3)), false);
  });

  it('<enabled/> says whether and how long the session can be resumed', () => {
    assert.equal(new StreamManagement('abc', true, 300, 1).enabled().attr('max'), '300');
    assert.equal(new StreamManagement('abc', true, 300, 1).enabled().attr('id'), 'abc');
    assert.equal(new StreamManagement('abc', false, 300, 1).enabled().attr('resume'), undefined);
  });

  it('asks for an acknowledgement once per unanswered burst, again after `every` more (§4)', () => {
    const sm = new StreamManagement('id', true, 300, 100);
    assert.equal(sm.takeAckRequest(5), false, 'nothing to acknowledge');
    sm.countSent(msg(1));
    assert.equal(sm.takeAckRequest(5), true);
    sm.countSent(msg(2));
    assert.equal(sm.takeAckRequest(5), false, 'the request is still outstanding');
    for (const n of [3, 4, 5]) sm.countSent(msg(n));
    assert.equal(sm.takeAckRequest(5), true, 'five waiting: ask again');
    assert.equal(sm.acknowledge(5), true);
    assert.equal(sm.takeAckRequest(5), false, 'all acknowledged');
    sm.countSent(msg(6));
    assert.equal(sm.takeAckRequest(5), true, 'the answer cleared the outstanding request');
  });

  it('never asks twice for the same stanzas, even when the client acknowledges fewer', () => {
    const sm = new StreamManagement('id', true, 300, 100);
    for (const n of [1, 2, 3]) sm.countSent(msg(n));
    assert.equal(sm.takeAckRequest(5), true);
    assert.equal(sm.acknowledge(2), true, 'the client lags by one');
    assert.equal(sm.takeAckRequest(5), false, 'nothing sent since the request: no loop');
    sm.countSent(msg(4));
    assert.equal(sm.takeAckRequest(5), true);
  });
});
