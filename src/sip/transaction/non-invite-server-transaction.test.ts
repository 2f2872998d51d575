/**
 * RFC 3261 §17.2.2 (Figure 8) with RFC 4320 §4.1: the non-INVITE server transaction stepped through every
 * transition with a fake clock, over UDP and TCP.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.2.2
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { aliceRequest, bobResponse, RecordingTransport, recordingUser } from './fixtures/atlanta.js';
import { NonInviteServerTransaction } from './non-invite-server-transaction.js';

function setUp(isReliable = false) {
  const clock = new FakeClock();
  const transport = new RecordingTransport(clock, isReliable);
  const log: string[] = [];
  const request = aliceRequest({ method: 'REGISTER' });
  const transaction = new NonInviteServerTransaction(request, { transport, clock }, recordingUser(log));
  return { clock, transport, log, request, transaction };
}

describe('non-INVITE server transaction', () => {
  it('discards retransmissions in Trying', () => {
    const { transport, request, transaction } = setUp();
    transaction.receiveRequest(request);
    assert.equal(transaction.state, 'Trying');
    assert.deepEqual(transport.lines, []);
  });

  it('answers retransmissions in Proceeding with the last provisional, refusing other than 100 (RFC 4320)', () => {
    const { transport, request, transaction } = setUp();
    assert.deepEqual(transaction.respond(bobResponse(request, 100)), { ok: true });
    assert.equal(transaction.state, 'Proceeding');
    transaction.receiveRequest(request);
    assert.deepEqual(transaction.respond(bobResponse(request, 180)), {
      ok: false,
      reason: 'provisional-not-allowed',
      state: 'Proceeding',
    });
    assert.deepEqual(transport.lines, ['+0 100 Trying', '+0 100 Trying']);
  });

  it('a stateless final response (§8.2.7) ends the transaction once sent, with no Timer J', () => {
    const { clock, transport, log, request, transaction } = setUp();
    assert.deepEqual(transaction.respond(bobResponse(request, 401), { stateless: true }), { ok: true });
    assert.equal(transaction.state, 'Terminated');
    assert.deepEqual(transaction.runningTimers, []);
    assert.deepEqual(log, ['terminated']);
    transaction.receiveRequest(request);
    assert.deepEqual(transport.lines, ['+0 401 Unauthorized'], 'nothing is resent: the TU answers anew');
    assert.equal(clock.pendingTimers, 0);
  });

  it('in Completed answers retransmissions with the final response, refuses another, ends on Timer J', () => {
    const { clock, transport, log, request, transaction } = setUp();
    assert.deepEqual(transaction.respond(bobResponse(request, 200)), { ok: true });
    assert.equal(transaction.state, 'Completed');
    assert.deepEqual(transaction.runningTimers, ['J']);
    clock.advance(1_000);
    transaction.receiveRequest(request);
    assert.deepEqual(transaction.respond(bobResponse(request, 500)), {
      ok: false,
      reason: 'wrong-state',
      state: 'Completed',
    });
    assert.deepEqual(transport.lines, ['+0 200 OK', '+1000 200 OK']);
    clock.advance(30_999);
    assert.equal(transaction.state, 'Completed');
    clock.advance(1);
    assert.deepEqual(log, ['terminated']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('over TCP terminates as soon as the final response is sent (Timer J = 0)', () => {
    const { clock, transport, log, request, transaction } = setUp(true);
    transaction.respond(bobResponse(request, 200));
    assert.equal(transaction.state, 'Terminated');
    assert.deepEqual(transport.lines, ['+0 200 OK']);
    assert.deepEqual(log, ['terminated']);
    assert.equal(clock.pendingTimers, 0);
  });

  const transportErrors = [
    { state: 'Trying', respond: [], expected: [] },
    { state: 'Proceeding', respond: [100], expected: ['transport-error reset', 'terminated'] },
    { state: 'Completed', respond: [403], expected: ['transport-error reset', 'terminated'] },
  ];
  for (const row of transportErrors) {
    it(`on a transport error in ${row.state}: ${row.expected.length === 0 ? 'ignored' : 'terminates'}`, () => {
      const { log, request, transaction } = setUp();
      for (const status of row.respond) transaction.respond(bobResponse(request, status));
      assert.equal(transaction.state, row.state);
      transaction.transportError('reset');
      assert.deepEqual(log, row.expected);
    });
  }
});
