import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { changeNumber, changeText, FanoutTracker, sustained } from './fanout-tracker.js';

describe('FanoutTracker', () => {
  it('times a change from its send to the last watcher, counting each watcher once', () => {
    const tracker = new FanoutTracker(3);
    tracker.sent(1, 100);
    tracker.delivered(1, 7, 105);
    tracker.delivered(1, 7, 400); // a duplicate does not move the time nor complete the change
    tracker.delivered(1, 8, 120);
    assert.equal(tracker.outstanding, 1);
    assert.equal(tracker.seenBy(1), 2);
    tracker.delivered(1, 9, 112);
    assert.equal(tracker.outstanding, 0);
    const summary = tracker.summary();
    assert.equal(summary.completed, 1);
    assert.equal(summary.notifications, 3);
    assert.equal(summary.p50, 20);
    assert.equal(summary.max, 20);
  });

  it('aggregates p50 and p99 over the completed changes only', () => {
    const tracker = new FanoutTracker(1);
    for (let seq = 1; seq <= 100; seq++) {
      tracker.sent(seq, 0);
      tracker.delivered(seq, 1, seq);
    }
    tracker.sent(101, 0); // never delivered
    tracker.delivered(999, 1, 5); // unknown change: ignored
    const summary = tracker.summary();
    assert.equal(summary.sent, 101);
    assert.equal(summary.completed, 100);
    assert.equal(summary.p50, 50);
    assert.equal(summary.p99, 99);
    assert.equal(summary.max, 100);
    assert.equal(sustained(summary, 1000), false, 'one change missed a watcher');
  });

  it('judges a step sustained only when every change completed within the objective', () => {
    const tracker = new FanoutTracker(2);
    tracker.sent(1, 0);
    tracker.delivered(1, 1, 10);
    tracker.delivered(1, 2, 30);
    assert.equal(sustained(tracker.summary(), 30), true);
    assert.equal(sustained(tracker.summary(), 29), false);
    assert.equal(sustained(new FanoutTracker(2).summary(), 30), false, 'nothing sent');
    assert.ok(Number.isNaN(new FanoutTracker(2).summary().p99));
  });

  it('refuses a watcher count below one', () => {
    assert.throws(() => new FanoutTracker(0), /watchers must be ≥ 1/);
  });
});

describe('FanoutTracker with supersedes', () => {
  it('counts a coalesced notification of a later change for the earlier ones', () => {
    const strict = new FanoutTracker(1);
    const latest = new FanoutTracker(1, { supersedes: true });
    for (const tracker of [strict, latest]) {
      tracker.sent(1, 0);
      tracker.sent(2, 10);
      tracker.delivered(2, 1, 50); // the notifier sent only the newest state
    }
    assert.equal(strict.summary().completed, 1);
    assert.equal(strict.outstanding, 1);
    assert.equal(latest.summary().completed, 2);
    assert.equal(latest.summary().max, 50);
    assert.equal(latest.summary().p50, 40);
  });
});

describe('change markers', () => {
  it('round-trips through XMPP <status/> and PIDF <note/>', () => {
    assert.equal(
      changeNumber(`<presence from='user1@bench.local/x'><status>${changeText(42)}</status></presence>`),
      42,
    );
    assert.equal(changeNumber(`<tuple><note>${changeText(7)}</note></tuple>`), 7);
    assert.equal(changeNumber('<presence><status>fx12</status></presence>'), -1, 'no terminator');
    assert.equal(changeNumber('<presence/>'), -1);
  });
});
