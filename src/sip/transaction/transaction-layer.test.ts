/**
 * RFC 3261 §17 with RFC 6026: the transaction layer between Alice (a phone, over UDP), Herald's TU and
 * Bob — new branches, matching, retransmissions absorbed, CANCEL both ways, ACK for 2xx, the 503 limit.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { type SipResponse, toHeader, topVia } from '../wire/index.js';
import { aliceRequest, bobResponse, RecordingTransport, recordingUser } from './fixtures/atlanta.js';
import type { IncomingRequest } from './incoming-request.js';
import { TransactionLayer } from './transaction-layer.js';

function setUp(maxTransactions?: number, maxCompleted?: number) {
  const clock = new FakeClock();
  const incoming: IncomingRequest[] = [];
  const discarded: SipResponse[] = [];
  const layer = new TransactionLayer({
    clock,
    ids: sequentialIdSource('b'),
    user: { requestReceived: (i) => incoming.push(i), responseDiscarded: (r) => discarded.push(r) },
    ...(maxTransactions === undefined ? {} : { maxTransactions }),
    ...(maxCompleted === undefined ? {} : { maxCompleted }),
  });
  return {
    clock,
    layer,
    incoming,
    discarded,
    alice: new RecordingTransport(clock),
    bob: new RecordingTransport(clock),
  };
}

/** The TU's view: what kinds of request it was handed. */
const kinds = (incoming: IncomingRequest[]) => incoming.map((i) => `${i.kind} ${i.request.method}`);

describe('client transactions', () => {
  it('get a fresh z9hG4bK branch, and responses reach them by branch and CSeq method', () => {
    const { layer, bob, discarded } = setUp();
    const log: string[] = [];
    const sent = layer.sendInvite(aliceRequest({ branch: null }), bob, recordingUser(log));
    assert.ok(sent.ok);
    assert.equal(sent.transaction.branch, 'z9hG4bKb-1');
    assert.equal(topVia(sent.transaction.request).branch, 'z9hG4bKb-1');
    assert.deepEqual(bob.lines, ['+0 INVITE']);
    assert.equal(topVia(bob.sent[0]?.message ?? sent.transaction.request).branch, 'z9hG4bKb-1');
    const outcome = layer.receive(bobResponse(sent.transaction.request, 180), bob);
    assert.equal(outcome.kind, 'matched');
    const stray = bobResponse(aliceRequest({ branch: 'z9hG4bKsomeone-else' }), 200);
    assert.deepEqual(layer.receive(stray, bob), { kind: 'discarded' });
    assert.deepEqual(discarded, [stray]);
    assert.deepEqual(log, ['response 180']);
  });

  it('keep a branch the TU chose, if it has the magic cookie', () => {
    const { layer, bob } = setUp();
    const sent = layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: 'z9hG4bKproxy.1' }), bob);
    assert.ok(sent.ok);
    assert.equal(sent.transaction.branch, 'z9hG4bKproxy.1');
  });

  it('are refused, as values, when they cannot be created', () => {
    const { layer, bob } = setUp(2);
    const noVia = aliceRequest({ method: 'OPTIONS' });
    const refusals = [
      [layer.sendRequest(aliceRequest({ method: 'ACK' }), bob), 'wrong-method'],
      [layer.sendRequest(aliceRequest(), bob), 'wrong-method'],
      [layer.sendInvite(aliceRequest({ method: 'OPTIONS' }), bob), 'wrong-method'],
      [layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: '1234' }), bob), 'branch-without-cookie'],
      [layer.sendRequest({ ...noVia, headers: noVia.headers.remove('Via') }, bob), 'no-via'],
    ] as const;
    for (const [result, reason] of refusals) assert.deepEqual(result, { ok: false, reason });
    assert.ok(layer.sendRequest(aliceRequest({ method: 'OPTIONS' }), bob).ok);
    assert.deepEqual(layer.sendRequest(aliceRequest({ method: 'OPTIONS' }), bob), {
      ok: false,
      reason: 'duplicate-branch',
    });
    assert.ok(layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: null }), bob).ok);
    assert.deepEqual(layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: null }), bob), {
      ok: false,
      reason: 'limit-reached',
    });
  });

  it('are forgotten when they terminate', () => {
    const { clock, layer } = setUp();
    const tcp = new RecordingTransport(clock, true);
    const sent = layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: null }), tcp);
    assert.ok(sent.ok);
    assert.equal(layer.size, 1);
    layer.receive(bobResponse(sent.transaction.request, 200), tcp);
    assert.equal(layer.size, 0);
    assert.deepEqual(layer.receive(bobResponse(sent.transaction.request, 200), tcp), { kind: 'discarded' });
  });

  it('CANCEL: waits for a provisional, goes in its own transaction with the INVITE’s branch', () => {
    const { layer, bob } = setUp();
    const log: string[] = [];
    const sent = layer.sendInvite(aliceRequest({ branch: null }), bob, recordingUser(log));
    assert.ok(sent.ok);
    const invite = sent.transaction;
    assert.deepEqual(layer.sendCancel(invite), { ok: false, reason: 'awaiting-provisional' });
    layer.receive(bobResponse(invite.request, 180), bob);
    const cancelLog: string[] = [];
    const cancel = layer.sendCancel(invite, recordingUser(cancelLog));
    assert.ok(cancel.ok);
    assert.equal(cancel.transaction.branch, invite.branch);
    layer.receive(bobResponse(cancel.transaction.request, 200), bob);
    assert.equal(invite.state, 'Proceeding', 'the 200 to CANCEL is not the INVITE’s');
    layer.receive(bobResponse(invite.request, 487), bob);
    assert.deepEqual(bob.lines, ['+0 INVITE', '+0 CANCEL', '+0 ACK']);
    assert.deepEqual(log, ['response 180', 'response 487']);
    // Over UDP the CANCEL's transaction is retired at its final response (only its key waits out Timer K).
    assert.deepEqual(cancelLog, ['response 200', 'terminated']);
    assert.deepEqual(layer.sendCancel(invite), { ok: false, reason: 'final-response-received' });
  });

  it('RFC 6026: 2xx retransmissions match the Accepted INVITE transaction until Timer M, then are dropped', () => {
    const { clock, layer, bob, discarded } = setUp();
    const log: string[] = [];
    const sent = layer.sendInvite(aliceRequest({ branch: null }), bob, recordingUser(log));
    assert.ok(sent.ok);
    const ok = bobResponse(sent.transaction.request, 200);
    layer.receive(ok, bob);
    clock.advance(500);
    assert.equal(layer.receive(ok, bob).kind, 'matched');
    clock.advance(31_500);
    assert.deepEqual(layer.receive(ok, bob), { kind: 'discarded' });
    assert.deepEqual(log, ['response 200', 'response 200', 'terminated']);
    assert.equal(discarded.length, 1);
  });
});

describe('INVITE client transactions in Accepted (RFC 6026 §8.4)', () => {
  it('are only where their TU said further 2xx go, until Timer M', () => {
    const { clock, layer, bob, discarded } = setUp();
    const log: string[] = [];
    const late: number[] = [];
    const sent = layer.sendInvite(aliceRequest({ branch: null }), bob, {
      ...recordingUser(log),
      accepted: () => (retransmission) => void late.push(retransmission.status),
    });
    assert.ok(sent.ok);
    const ok = bobResponse(sent.transaction.request, 200);
    assert.equal(layer.receive(ok, bob).kind, 'matched');
    assert.deepEqual(log, ['response 200', 'terminated'], 'the TU heard the 2xx, then the end');
    assert.equal(sent.transaction.state, 'Terminated');
    assert.equal(layer.size, 0);
    clock.advance(500);
    assert.deepEqual(layer.receive(ok, bob), { kind: 'absorbed' });
    assert.deepEqual(late, [200], 'the retransmitted 2xx went where the TU said');
    assert.deepEqual(layer.receive(bobResponse(sent.transaction.request, 180), bob), { kind: 'absorbed' });
    assert.deepEqual(late, [200], 'nothing but a 2xx');
    clock.advance(31_500);
    assert.deepEqual(layer.receive(ok, bob), { kind: 'discarded' });
    assert.equal(discarded.length, 1);
    assert.deepEqual(log, ['response 200', 'terminated']);
  });

  it('stay whole when the TU leaves nothing for further 2xx', () => {
    const { layer, bob } = setUp();
    const sent = layer.sendInvite(aliceRequest({ branch: null }), bob, { accepted: () => undefined });
    assert.ok(sent.ok);
    layer.receive(bobResponse(sent.transaction.request, 200), bob);
    assert.equal(sent.transaction.state, 'Accepted');
    assert.equal(layer.size, 1);
    layer.close();
  });
});

describe('server transactions', () => {
  it('absorb a retransmitted INVITE, answering it with the last response', () => {
    const { layer, alice, incoming } = setUp();
    const invite = aliceRequest();
    const created = layer.receive(invite, alice);
    assert.equal(created.kind, 'created');
    const [first] = incoming;
    assert.ok(first?.kind === 'invite');
    first.transaction.respond(bobResponse(invite, 180));
    assert.equal(layer.receive(invite, alice).kind, 'matched');
    assert.deepEqual(kinds(incoming), ['invite INVITE']);
    assert.deepEqual(alice.lines, ['+0 180 Ringing', '+0 180 Ringing']);
  });

  it('take the ACK for a non-2xx; the ACK for a 2xx goes to the TU without a transaction', () => {
    const { layer, alice, incoming } = setUp();
    layer.receive(aliceRequest(), alice);
    layer.receive(aliceRequest({ branch: 'z9hG4bKother', callId: 'second@pc33' }), alice);
    const [busy, accepted] = incoming;
    assert.ok(busy?.kind === 'invite' && accepted?.kind === 'invite');
    busy.transaction.respond(bobResponse(busy.request, 486));
    accepted.transaction.respond(bobResponse(accepted.request, 200));
    assert.equal(layer.receive(aliceRequest({ method: 'ACK', toTag: 'a6c85cf' }), alice).kind, 'matched');
    // Confirmed over UDP: retired to its key until Timer I (next test).
    assert.equal(busy.transaction.state, 'Terminated');
    const ackFor2xx = aliceRequest({
      method: 'ACK',
      branch: 'z9hG4bKack2xx',
      callId: 'second@pc33',
      toTag: 'a6c85cf',
    });
    assert.deepEqual(layer.receive(ackFor2xx, alice), { kind: 'passed-up' });
    assert.deepEqual(kinds(incoming), ['invite INVITE', 'invite INVITE', 'ack ACK']);
  });

  it('keep only the key of an INVITE in Confirmed, absorbing ACKs and INVITEs until Timer I (§17.2.1)', () => {
    const { clock, layer, alice, incoming } = setUp();
    const invite = aliceRequest();
    const ack = aliceRequest({ method: 'ACK', toTag: 'a6c85cf' });
    layer.receive(invite, alice);
    const [first] = incoming;
    assert.ok(first?.kind === 'invite');
    first.transaction.respond(bobResponse(invite, 407));
    assert.equal(layer.receive(ack, alice).kind, 'matched');
    assert.equal(first.transaction.state, 'Terminated');
    assert.equal(layer.size, 0);
    clock.advance(4_000);
    assert.deepEqual(layer.receive(ack, alice), { kind: 'absorbed' });
    assert.deepEqual(layer.receive(invite, alice), { kind: 'absorbed' });
    assert.deepEqual(alice.lines, ['+0 407 Proxy Authentication Required'], 'Confirmed sends nothing more');
    clock.advance(1_000);
    assert.deepEqual(
      layer.receive(ack, alice),
      { kind: 'passed-up' },
      'after Timer I (T4) it matches nothing',
    );
    assert.deepEqual(kinds(incoming), ['invite INVITE', 'ack ACK']);
  });

  it('keep nothing of an INVITE in Confirmed over TCP: Timer I is zero, it ends at the ACK', () => {
    const { clock, layer, incoming } = setUp();
    const tcp = new RecordingTransport(clock, true);
    layer.receive(aliceRequest({ transport: 'TCP' }), tcp);
    const [first] = incoming;
    assert.ok(first?.kind === 'invite');
    first.transaction.respond(bobResponse(first.request, 486));
    layer.receive(aliceRequest({ method: 'ACK', toTag: 'a6c85cf', transport: 'TCP' }), tcp);
    assert.equal(first.transaction.state, 'Terminated');
    assert.deepEqual(
      layer.receive(aliceRequest({ method: 'ACK', toTag: 'a6c85cf', transport: 'TCP' }), tcp),
      {
        kind: 'passed-up',
      },
    );
  });

  it('RFC 6026: an INVITE retransmitted after its 2xx is absorbed, not a new request, until Timer L', () => {
    const { clock, layer, alice, incoming } = setUp();
    const invite = aliceRequest();
    layer.receive(invite, alice);
    const [first] = incoming;
    assert.ok(first?.kind === 'invite');
    first.transaction.respond(bobResponse(invite, 200));
    // Only its key is kept in Accepted: the transaction itself is gone at once.
    assert.equal(first.transaction.state, 'Terminated');
    assert.equal(layer.size, 0);
    clock.advance(1_000);
    assert.deepEqual(layer.receive(invite, alice), { kind: 'absorbed' });
    assert.deepEqual(kinds(incoming), ['invite INVITE']);
    assert.deepEqual(alice.lines, ['+0 200 OK'], 'the TU, not the transaction, retransmits the 2xx');
    // COMPAT: a peer that reuses the INVITE's branch for the ACK of the 2xx reaches the TU as well.
    layer.receive(aliceRequest({ method: 'ACK', toTag: 'a6c85cf' }), alice);
    assert.deepEqual(kinds(incoming), ['invite INVITE', 'ack ACK']);
    clock.advance(31_000);
    assert.equal(layer.receive(invite, alice).kind, 'created', 'after Timer L the INVITE is new again');
  });

  it('CANCEL: handed up with the INVITE’s transaction, or none when nothing matches', () => {
    const { clock, layer, alice, incoming } = setUp();
    const invite = aliceRequest();
    layer.receive(invite, alice);
    const [inviteIn] = incoming;
    assert.ok(inviteIn?.kind === 'invite');
    inviteIn.transaction.respond(bobResponse(invite, 180));
    const cancel = aliceRequest({ method: 'CANCEL' });
    assert.equal(layer.receive(cancel, alice).kind, 'created');
    const cancelIn = incoming[1];
    assert.ok(cancelIn?.kind === 'cancel');
    assert.equal(cancelIn.invite, inviteIn.transaction);
    // §9.2: the UAS answers the CANCEL 200 and the INVITE 487; the ACK for the 487 is absorbed.
    cancelIn.transaction.respond(bobResponse(cancel, 200));
    cancelIn.invite?.respond(bobResponse(invite, 487));
    layer.receive(cancel, alice);
    layer.receive(aliceRequest({ method: 'ACK', toTag: 'a6c85cf' }), alice);
    assert.deepEqual(alice.lines, ['+0 180 Ringing', '+0 200 OK', '+0 487 Request Terminated', '+0 200 OK']);
    assert.equal(inviteIn.transaction.state, 'Terminated', 'Confirmed: retired to its key until Timer I');
    layer.receive(aliceRequest({ method: 'CANCEL', branch: 'z9hG4bKnothing' }), alice);
    const orphan = incoming[2];
    assert.ok(orphan?.kind === 'cancel');
    assert.equal(orphan.invite, undefined);
    clock.advance(32_000);
    assert.equal(layer.size, 1, 'only the orphan CANCEL, still awaiting its answer');
  });

  it('COMPAT(RFC 2543): without the magic cookie, match on the dialog identifiers and the To tag', () => {
    const { layer, alice, incoming } = setUp();
    const invite = aliceRequest({ branch: null });
    layer.receive(invite, alice);
    assert.equal(layer.receive(invite, alice).kind, 'matched');
    const [first] = incoming;
    assert.ok(first?.kind === 'invite');
    first.transaction.respond(bobResponse(invite, 486, 'bob-legacy'));
    assert.deepEqual(layer.receive(aliceRequest({ branch: null, method: 'ACK', toTag: 'other' }), alice), {
      kind: 'passed-up',
    });
    assert.equal(
      layer.receive(aliceRequest({ branch: null, method: 'ACK', toTag: 'bob-legacy' }), alice).kind,
      'matched',
    );
    assert.equal(first.transaction.state, 'Confirmed');
  });
});

describe('bounded memory', () => {
  it('answers 503 (same To tag each time) beyond the limit, and accepts again once a transaction ends', () => {
    const { clock, layer, alice, incoming } = setUp(1);
    layer.receive(aliceRequest({ method: 'REGISTER', branch: 'z9hG4bKr1' }), alice);
    const second = aliceRequest({ method: 'REGISTER', branch: 'z9hG4bKr2' });
    assert.deepEqual(layer.receive(second, alice), { kind: 'rejected', status: 503 });
    layer.receive(second, alice);
    const tags = alice.sent.map((s) => (s.message.kind === 'response' ? toHeader(s.message).tag : undefined));
    assert.deepEqual(alice.lines, ['+0 503 Service Unavailable', '+0 503 Service Unavailable']);
    assert.ok(tags[0] !== undefined && tags[0] === tags[1]);
    const [first] = incoming;
    assert.ok(first?.kind === 'non-invite');
    first.transaction.respond(bobResponse(first.request, 200));
    clock.advance(32_000);
    assert.equal(layer.size, 0);
    assert.equal(layer.receive(second, alice).kind, 'created');
    assert.deepEqual(kinds(incoming), ['non-invite REGISTER', 'non-invite REGISTER']);
  });

  it('keeps only the final response of a completed UDP non-INVITE transaction until Timer J (§17.2.2)', () => {
    const { clock, layer, alice, incoming } = setUp(1);
    const register = aliceRequest({ method: 'REGISTER', branch: 'z9hG4bKc1' });
    layer.receive(register, alice);
    const [first] = incoming;
    assert.ok(first?.kind === 'non-invite');
    first.transaction.respond(bobResponse(first.request, 200));
    // The transaction is gone from the live count at once: the limit of 1 admits the next request.
    assert.equal(layer.size, 0);
    assert.equal(layer.completedSize, 1);
    clock.advance(31_000);
    assert.deepEqual(layer.receive(register, alice), { kind: 'absorbed' });
    assert.deepEqual(alice.lines, ['+0 200 OK', '+31000 200 OK'], 'a retransmission gets the 200 again');
    assert.equal(
      layer.receive(aliceRequest({ method: 'OPTIONS', branch: 'z9hG4bKc2' }), alice).kind,
      'created',
    );
    clock.advance(2_000);
    assert.equal(layer.completedSize, 0, 'forgotten after Timer J (64*T1)');
    assert.equal(layer.receive(register, alice).kind, 'rejected', 'the OPTIONS holds the one live slot');
    assert.deepEqual(kinds(incoming), ['non-invite REGISTER', 'non-invite OPTIONS']);
  });

  it('keeps nothing of a transaction answered statelessly: a retransmission goes to the TU again (§8.2.7)', () => {
    const { layer, alice, incoming } = setUp();
    const register = aliceRequest({ method: 'REGISTER', branch: 'z9hG4bKs1' });
    layer.receive(register, alice);
    const [first] = incoming;
    assert.ok(first?.kind === 'non-invite');
    first.transaction.respond(bobResponse(first.request, 401), { stateless: true });
    assert.equal(layer.size, 0);
    assert.equal(layer.completedSize, 0, 'no final response kept for Timer J');
    assert.equal(layer.receive(register, alice).kind, 'created');
    assert.deepEqual(kinds(incoming), ['non-invite REGISTER', 'non-invite REGISTER']);
  });

  it('keeps only the key of a completed UDP non-INVITE client transaction, absorbing responses until Timer K (§17.1.2.2)', () => {
    const { clock, layer, bob, discarded } = setUp(1);
    const log: string[] = [];
    const sent = layer.sendRequest(
      aliceRequest({ method: 'MESSAGE', branch: null }),
      bob,
      recordingUser(log),
    );
    assert.ok(sent.ok);
    const ok = bobResponse(sent.transaction.request, 200);
    assert.equal(layer.receive(ok, bob).kind, 'matched');
    // The TU heard the 200 before the transaction was retired (and then its end).
    assert.deepEqual(log, ['response 200', 'terminated']);
    assert.equal(sent.transaction.state, 'Terminated');
    assert.deepEqual(sent.transaction.runningTimers, []);
    assert.equal(layer.size, 0, 'the live slot is free at once');
    assert.equal(layer.completedClientSize, 1);
    clock.advance(4_000);
    assert.deepEqual(layer.receive(ok, bob), { kind: 'absorbed' }, 'a retransmitted 200 is absorbed');
    assert.deepEqual(log, ['response 200', 'terminated'], 'and never reaches the TU');
    clock.advance(2_000);
    assert.equal(layer.completedClientSize, 0, 'forgotten after Timer K (T4)');
    assert.deepEqual(layer.receive(ok, bob), { kind: 'discarded' });
    assert.deepEqual(discarded, [ok]);
  });

  it('keeps no completed client transaction over TCP, nor for a provisional response', () => {
    const { clock, layer } = setUp();
    const tcp = new RecordingTransport(clock, true);
    const overTcp = layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: null }), tcp);
    assert.ok(overTcp.ok);
    layer.receive(bobResponse(overTcp.transaction.request, 200), tcp);
    assert.equal(layer.completedClientSize, 0, 'Timer K is zero over reliable transports');
    const udp = new RecordingTransport(clock);
    const pending = layer.sendRequest(aliceRequest({ method: 'OPTIONS', branch: null }), udp);
    assert.ok(pending.ok);
    layer.receive(bobResponse(pending.transaction.request, 100), udp);
    assert.equal(pending.transaction.state, 'Proceeding');
    assert.equal(layer.completedClientSize, 0);
    assert.equal(layer.size, 1);
    layer.close();
  });

  it('forgets the oldest completed transactions beyond maxCompleted, and none over TCP', () => {
    const { clock, layer, incoming } = setUp(undefined, 2);
    const udp = new RecordingTransport(clock);
    for (const branch of ['z9hG4bKm1', 'z9hG4bKm2', 'z9hG4bKm3'])
      layer.receive(aliceRequest({ method: 'OPTIONS', branch }), udp);
    for (const i of incoming) if (i.kind === 'non-invite') i.transaction.respond(bobResponse(i.request, 200));
    assert.equal(layer.completedSize, 2);
    assert.equal(
      layer.receive(aliceRequest({ method: 'OPTIONS', branch: 'z9hG4bKm1' }), udp).kind,
      'created',
    );
    assert.equal(
      layer.receive(aliceRequest({ method: 'OPTIONS', branch: 'z9hG4bKm3' }), udp).kind,
      'absorbed',
    );
    const tcp = new RecordingTransport(clock, true);
    layer.receive(aliceRequest({ method: 'OPTIONS', branch: 'z9hG4bKt1' }), tcp);
    const last = incoming.at(-1);
    assert.ok(last?.kind === 'non-invite');
    last.transaction.respond(bobResponse(last.request, 200));
    assert.equal(layer.completedSize, 2, 'Timer J is zero over reliable transports');
    layer.close();
    assert.equal(layer.completedSize, 0);
  });

  it('tells every transaction on a failed flow, and close() ends them all', () => {
    const { clock, layer, alice, bob } = setUp();
    layer.receive(aliceRequest(), alice);
    layer.receive(aliceRequest({ method: 'OPTIONS' }), alice);
    layer.sendRequest(aliceRequest({ method: 'MESSAGE', branch: null }), bob);
    assert.equal(layer.transportFailed(alice, 'connection reset'), 2);
    assert.equal(layer.size, 2, 'the OPTIONS in Trying had sent nothing; the INVITE’s transaction ended');
    layer.close();
    assert.equal(layer.size, 0);
    assert.equal(clock.pendingTimers, 0);
  });
});
