/**
 * RFC 3261 §17.2.1 (Figure 7) with RFC 6026 §8.7 and §8.8: the INVITE server transaction stepped through
 * every transition with a fake clock, over UDP and TCP.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.1
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { toHeader } from '../wire/index.js';
import { aliceRequest, bobResponse, RecordingTransport, recordingUser } from './fixtures/atlanta.js';
import { InviteServerTransaction } from './invite-server-transaction.js';

function setUp(isReliable = false) {
  const clock = new FakeClock();
  const transport = new RecordingTransport(clock, isReliable);
  const log: string[] = [];
  const invite = aliceRequest();
  const ack = aliceRequest({ method: 'ACK', toTag: 'a6c85cf' });
  const transaction = new InviteServerTransaction(invite, { transport, clock }, recordingUser(log));
  transaction.start();
  return { clock, transport, log, invite, ack, transaction };
}

describe('INVITE server transaction: Proceeding', () => {
  it('sends 100 (Trying) without a To tag when the TU has not answered within 200 ms', () => {
    const { clock, transport, transaction } = setUp();
    clock.advance(199);
    assert.deepEqual(transport.lines, []);
    clock.advance(1);
    assert.deepEqual(transport.lines, ['+200 100 Trying']);
    const trying = transport.last;
    assert.ok(trying?.kind === 'response');
    assert.equal(toHeader(trying).tag, undefined);
    assert.equal(transaction.state, 'Proceeding');
  });

  it('sends no 100 (Trying) when the TU answers first', () => {
    const { clock, transport, invite, transaction } = setUp();
    clock.advance(50);
    assert.deepEqual(transaction.respond(bobResponse(invite, 180)), { ok: true });
    clock.advance(1_000);
    assert.deepEqual(transport.lines, ['+50 180 Ringing']);
  });

  it('answers a retransmitted INVITE with the most recent provisional response, or absorbs it if none', () => {
    const { clock, transport, invite, transaction } = setUp();
    transaction.receiveRequest(invite);
    assert.deepEqual(transport.lines, []);
    clock.advance(200);
    transaction.receiveRequest(invite);
    transaction.respond(bobResponse(invite, 180));
    transaction.receiveRequest(invite);
    assert.deepEqual(transport.lines, [
      '+200 100 Trying',
      '+200 100 Trying',
      '+200 180 Ringing',
      '+200 180 Ringing',
    ]);
  });

  it('terminates on a transport error and tells the TU', () => {
    const { clock, log, transaction } = setUp();
    transaction.transportError('gone');
    assert.deepEqual(log, ['transport-error gone', 'terminated']);
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('INVITE server transaction: Completed and Confirmed (300-699)', () => {
  it('over UDP retransmits on Timer G (doubling up to T2) and fails on Timer H without an ACK', () => {
    const { clock, transport, log, invite, transaction } = setUp();
    transaction.respond(bobResponse(invite, 486));
    assert.equal(transaction.state, 'Completed');
    assert.deepEqual(transaction.runningTimers, ['G', 'H']);
    clock.advance(32_000);
    assert.deepEqual(
      transport.sent.map((s) => s.at),
      [0, 500, 1500, 3500, 7500, 11500, 15500, 19500, 23500, 27500, 31500],
    );
    assert.deepEqual(log, ['timeout H', 'terminated']);
  });

  it('answers a retransmitted INVITE with the final response and refuses a second one', () => {
    const { transport, invite, transaction } = setUp(true);
    transaction.respond(bobResponse(invite, 404));
    transaction.receiveRequest(invite);
    assert.deepEqual(transaction.respond(bobResponse(invite, 200)), {
      ok: false,
      reason: 'wrong-state',
      state: 'Completed',
    });
    assert.deepEqual(transport.lines, ['+0 404 Not Found', '+0 404 Not Found']);
  });

  it('on the ACK moves to Confirmed, stops Timer G, absorbs ACKs and ends on Timer I (T4)', () => {
    const { clock, transport, log, invite, ack, transaction } = setUp();
    transaction.respond(bobResponse(invite, 486));
    clock.advance(600);
    transaction.receiveRequest(ack);
    assert.equal(transaction.state, 'Confirmed');
    assert.deepEqual(transaction.runningTimers, ['I']);
    transaction.receiveRequest(ack);
    transaction.receiveRequest(invite);
    transaction.transportError('late');
    clock.advance(4_999);
    assert.equal(transaction.state, 'Confirmed');
    clock.advance(1);
    assert.deepEqual(transport.lines, ['+0 486 Busy Here', '+500 486 Busy Here']);
    assert.deepEqual(log, ['terminated'], 'the ACK for a non-2xx never reaches the TU');
  });

  it('over TCP starts no Timer G, keeps Timer H, and terminates on the ACK (Timer I = 0)', () => {
    const { clock, transport, log, invite, ack, transaction } = setUp(true);
    transaction.respond(bobResponse(invite, 486));
    assert.deepEqual(transaction.runningTimers, ['H']);
    clock.advance(10_000);
    transaction.receiveRequest(ack);
    assert.equal(transaction.state, 'Terminated');
    assert.deepEqual(transport.lines, ['+0 486 Busy Here']);
    assert.deepEqual(log, ['terminated']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('terminates when a retransmission of the final response fails', () => {
    const { clock, log, invite, transaction } = setUp();
    transaction.respond(bobResponse(invite, 486));
    clock.advance(500);
    transaction.transportError('reset');
    assert.deepEqual(log, ['transport-error reset', 'terminated']);
  });
});

describe('INVITE server transaction: Accepted (RFC 6026)', () => {
  it('absorbs INVITE retransmissions, sends the TU 2xx retransmissions, passes an ACK up, ends on Timer L', () => {
    const { clock, transport, log, invite, ack, transaction } = setUp();
    const ok = bobResponse(invite, 200);
    transaction.respond(ok);
    assert.equal(transaction.state, 'Accepted');
    assert.deepEqual(transaction.runningTimers, ['L']);
    clock.advance(500);
    transaction.receiveRequest(invite);
    assert.deepEqual(transaction.respond(ok), { ok: true });
    assert.deepEqual(transaction.respond(bobResponse(invite, 180)), {
      ok: false,
      reason: 'wrong-state',
      state: 'Accepted',
    });
    transaction.receiveRequest(ack);
    assert.deepEqual(
      transport.lines,
      ['+0 200 OK', '+500 200 OK'],
      'the 2xx is never retransmitted by itself',
    );
    clock.advance(31_499);
    assert.equal(transaction.state, 'Accepted');
    clock.advance(1);
    assert.deepEqual(log, ['ack', 'terminated']);
  });

  it('on a transport error tells the TU and stays in Accepted (RFC 6026 §8.8)', () => {
    const { log, invite, transaction } = setUp();
    transaction.respond(bobResponse(invite, 200));
    transaction.transportError('broken pipe');
    assert.equal(transaction.state, 'Accepted');
    assert.deepEqual(log, ['transport-error broken pipe']);
  });

  it('lasts 64*T1 over TCP too', () => {
    const { clock, invite, transaction } = setUp(true);
    transaction.respond(bobResponse(invite, 200));
    clock.advance(31_999);
    assert.equal(transaction.state, 'Accepted');
    clock.advance(1);
    assert.equal(transaction.state, 'Terminated');
  });
});
