import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DeliveryTracker, numberAfter } from './load-step.js';
import { covers, merged } from './targets/provisioned-marker.js';

describe('DeliveryTracker', () => {
  it('completes a send when all its deliveries have come, once', () => {
    const tracker = new DeliveryTracker();
    tracker.beginStep();
    const fanOut = tracker.sent(3);
    const single = tracker.sent(1);
    assert.equal(tracker.outstanding, 2);
    tracker.delivered(fanOut);
    tracker.delivered(fanOut);
    assert.equal(tracker.latencies.length, 0);
    tracker.delivered(single);
    tracker.delivered(fanOut);
    assert.equal(tracker.latencies.length, 2);
    assert.equal(tracker.outstanding, 0);
    tracker.delivered(single); // a duplicate
    tracker.delivered(99); // never sent
    assert.equal(tracker.unexpected, 2);
    assert.equal(tracker.latencies.length, 2);
  });

  it("counts a late delivery as complete but not in the new step's latencies", () => {
    const tracker = new DeliveryTracker();
    tracker.beginStep();
    const old = tracker.sent(1);
    tracker.beginStep();
    tracker.delivered(old);
    assert.equal(tracker.outstanding, 0);
    assert.deepEqual(tracker.latencies, []);
  });
});

describe('numberAfter', () => {
  const cases: [string, string, number][] = [
    ['<message><body>s1234</body></message>', '<body>s', 1234],
    ['<presence><status>p0</status></presence>', '<status>p', 0],
    ['<presence><status>away</status></presence>', '<status>p', -1],
    ['<presence/>', '<status>p', -1],
  ];
  for (const [xml, marker, n] of cases) it(`${xml} → ${n}`, () => assert.equal(numberAfter(xml, marker), n));
});

describe('provisioning marker', () => {
  const ring = { offset: 20_000, count: 200, contacts: 50 };
  it('covers what was provisioned with the same stamp, and nothing more', () => {
    const marker = merged(null, { users: 100, ring }, 's1');
    assert.equal(covers(marker, { users: 100, ring: null }, 's1'), true);
    assert.equal(covers(marker, { users: 50, ring }, 's1'), true);
    assert.equal(covers(marker, { users: 101, ring: null }, 's1'), false);
    assert.equal(covers(marker, { users: 10, ring: { ...ring, contacts: 20 } }, 's1'), false);
    assert.equal(covers(marker, { users: 10, ring: null }, 's2'), false);
  });
  it('keeps the larger user count and replaces a ring at the same offset', () => {
    const first = merged(null, { users: 100, ring }, 's1');
    const second = merged(first, { users: 10, ring: { ...ring, count: 300 } }, 's1');
    assert.deepEqual(second, { users: 100, rings: [{ ...ring, count: 300 }], stamp: 's1' });
  });
});
