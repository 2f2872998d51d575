/**
 * RFC 3261 §16.6–§16.10 — the response context of a forked INVITE, stepped with a fake clock: Alice's
 * INVITE forked to two of Bob's phones; what reaches Alice and what each phone is sent.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { aliceRequest, bobResponse, RecordingTransport } from '../transaction/fixtures/atlanta.js';
import type { IncomingRequest } from '../transaction/incoming-request.js';
import { TransactionLayer } from '../transaction/transaction-layer.js';
import type { SipRequest } from '../wire/index.js';
import { InviteForwarding } from './invite-forwarding.js';
import { forwardedRequest } from './rfc3261-request-forwarding.js';

const TIMER_C = 185_000;

function setUp() {
  const clock = new FakeClock();
  const incoming: IncomingRequest[] = [];
  const layer = new TransactionLayer({
    clock,
    ids: sequentialIdSource('b'),
    user: { requestReceived: (i) => incoming.push(i) },
  });
  const alice = new RecordingTransport(clock);
  const phones = [new RecordingTransport(clock), new RecordingTransport(clock)] as const;
  layer.receive(aliceRequest(), alice);
  const server = incoming[0];
  assert.ok(server?.kind === 'invite');
  const statuses: number[] = [];
  const forwarding = new InviteForwarding({
    server: server.transaction,
    transactions: layer,
    clock,
    timerCMs: TIMER_C,
  });
  forwarding.completedBy((status) => statuses.push(status));
  const copies: SipRequest[] = phones.map((_, i) =>
    forwardedRequest(server.request, {
      uri: { kind: 'sip', scheme: 'sip', user: 'bob', host: `192.0.2.${i + 1}`, params: [], headers: [] },
      branch: `z9hG4bKhldtest.${i}`,
      flow: { transport: 'udp', local: { address: '192.0.2.10', port: 5060 } },
      routes: [],
      recordRoutes: ['<sip:192.0.2.10;lr>'],
    }),
  );
  for (const [i, copy] of copies.entries())
    assert.ok(forwarding.addBranch(copy, phones[i] as RecordingTransport));
  forwarding.sealed();
  /** Phone i answers its copy. */
  const answer = (i: number, status: number) =>
    layer.receive(bobResponse(copies[i] as SipRequest, status, `tag${i}`), phones[i] as RecordingTransport);
  const sentTo = (t: RecordingTransport) =>
    t.sent.map((s) => (s.message.kind === 'request' ? s.message.method : String(s.message.status)));
  return { clock, alice, phones, forwarding, answer, sentTo, statuses, copies };
}

describe('a forked INVITE (§16.7)', () => {
  it('forwards 180s, the first 200, and cancels the phone still ringing', () => {
    const { alice, phones, answer, sentTo, statuses } = setUp();
    answer(0, 180);
    answer(1, 180);
    answer(1, 200);
    assert.deepEqual(sentTo(alice), ['180', '180', '200']);
    assert.deepEqual(sentTo(phones[0]), ['INVITE', 'CANCEL']);
    answer(0, 487);
    // The 487 of the cancelled branch is absorbed; the proxy ACKs it hop by hop (§17.1.1.3).
    assert.deepEqual(sentTo(alice), ['180', '180', '200']);
    assert.deepEqual(sentTo(phones[0]), ['INVITE', 'CANCEL', 'ACK']);
    assert.deepEqual(statuses, [200]);
    // Alice's responses carry her Via only: the proxy's is gone (§16.7 step 3).
    const last = alice.last;
    assert.ok(last?.kind === 'response');
    assert.deepEqual(last.headers.values('Via'), aliceRequest().headers.values('Via'));
  });

  it("forwards 2xx retransmissions and a second phone's 200 after the first (RFC 6026 §8.4, §16.7 step 5)", () => {
    const { clock, alice, answer, sentTo } = setUp();
    answer(1, 200);
    // Phone 1 did not get its ACK yet and retransmits the 200 (§13.3.1.4); phone 0 answers too,
    // before the CANCEL reached it: every 2xx goes upstream, with Alice's Via only.
    clock.advance(500);
    answer(1, 200);
    answer(0, 200);
    assert.deepEqual(sentTo(alice), ['200', '200', '200']);
    for (const sent of alice.sent) {
      assert.ok(sent.message.kind === 'response');
      assert.deepEqual(sent.message.headers.values('Via'), aliceRequest().headers.values('Via'));
    }
    // After Timer M (64*T1) a 2xx matches nothing and is dropped (RFC 6026).
    clock.advance(32_000);
    answer(1, 200);
    assert.equal(alice.sent.length, 3);
  });

  it('sends the best final response once every branch is done (486 over a timeout)', () => {
    const { alice, answer, sentTo, statuses } = setUp();
    answer(0, 408);
    assert.deepEqual(sentTo(alice), []);
    answer(1, 486);
    assert.deepEqual(sentTo(alice), ['486']);
    assert.deepEqual(statuses, [486]);
  });

  it('a 6xx cancels the other branches and wins', () => {
    const { alice, phones, answer, sentTo } = setUp();
    answer(0, 180);
    answer(1, 603);
    assert.deepEqual(sentTo(phones[0]), ['INVITE', 'CANCEL']);
    answer(0, 487);
    assert.deepEqual(sentTo(alice), ['180', '603']);
  });

  it("the caller's CANCEL cancels every branch, the silent one after its first provisional (§9.1)", () => {
    const { alice, phones, forwarding, answer, sentTo } = setUp();
    answer(0, 180);
    forwarding.cancel();
    assert.deepEqual(sentTo(phones[0]), ['INVITE', 'CANCEL']);
    assert.deepEqual(
      sentTo(phones[1]).filter((m) => m !== 'INVITE'),
      [],
    );
    answer(1, 100);
    assert.equal(sentTo(phones[1]).at(-1), 'CANCEL');
    answer(0, 487);
    answer(1, 487);
    assert.deepEqual(sentTo(alice), ['180', '487']);
    assert.equal(forwarding.addBranch(aliceRequest(), phones[0]), false);
  });

  it('Timer C cancels a branch that only rang, and acts as a 408 for a silent one (§16.8)', () => {
    const { clock, alice, phones, answer, sentTo } = setUp();
    answer(0, 180);
    clock.advance(TIMER_C - 1);
    assert.deepEqual(sentTo(phones[0]), ['INVITE']);
    clock.advance(1);
    assert.deepEqual(sentTo(phones[0]), ['INVITE', 'CANCEL']);
    answer(0, 487);
    // Phone 1 never answered: Timer B (32 s) ended it long ago as a 408, which Alice gets (no one
    // cancelled on her behalf, the call timed out).
    assert.deepEqual(sentTo(alice), ['180', '408']);
  });
});
