import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryTally, fanoutBody, parseFanoutBody, schedule } from './fanout.js';

describe('fanout bodies', () => {
  it('round-trip the sequence and send time', () => {
    assert.deepEqual(parseFanoutBody(fanoutBody(17, 1234.5678)), { seq: 17, sentAt: 1234.568 });
  });
  it('ignore other bodies', () => {
    assert.equal(parseFanoutBody('hello'), undefined);
    assert.equal(parseFanoutBody('fanout x 1'), undefined);
    assert.equal(parseFanoutBody('fanout 1 2 3'), undefined);
    assert.equal(parseFanoutBody('fanout -1 2'), undefined);
  });
});

describe('schedule', () => {
  it('spaces messages evenly and round-robins the senders', () => {
    assert.deepEqual(schedule(0, 20, 4), { atMs: 0, sender: 0 });
    assert.deepEqual(schedule(5, 20, 4), { atMs: 250, sender: 1 });
    assert.deepEqual(schedule(20, 20, 4), { atMs: 1000, sender: 0 });
  });
  it('refuses a zero rate or no senders', () => {
    assert.throws(() => schedule(0, 0, 1), RangeError);
    assert.throws(() => schedule(0, 1, 0), RangeError);
  });
});

describe('DeliveryTally', () => {
  it('counts deliveries, duplicates and latency percentiles', () => {
    const tally = new DeliveryTally(2);
    tally.sent();
    tally.sent();
    tally.received(0, 1);
    tally.received(0, 3);
    tally.received(1, 2);
    assert.equal(tally.expected, 4);
    assert.equal(tally.delivered, 3);
    assert.equal(tally.complete, false);
    tally.received(1, 100);
    tally.received(1, 5);
    assert.equal(tally.complete, true);
    assert.equal(tally.duplicates, 1);
    assert.deepEqual(tally.latency(), { count: 4, p50: 2, p99: 100, max: 100 });
  });
});
