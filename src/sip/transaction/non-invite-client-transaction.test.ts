/**
 * RFC 3261 §17.1.2 (Figure 6): the non-INVITE client transaction stepped through every transition with a
 * fake clock, over UDP and TCP.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.2
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { aliceRequest, bobResponse, RecordingTransport, recordingUser } from './fixtures/atlanta.js';
import { NonInviteClientTransaction } from './non-invite-client-transaction.js';

function setUp(isReliable = false) {
  const clock = new FakeClock();
  const transport = new RecordingTransport(clock, isReliable);
  const log: string[] = [];
  const request = aliceRequest({ method: 'OPTIONS' });
  const transaction = new NonInviteClientTransaction(request, { transport, clock }, recordingUser(log));
  transaction.start();
  return { clock, transport, log, request, transaction };
}

describe('non-INVITE client transaction: Trying', () => {
  it('over UDP retransmits on Timer E (doubling up to T2) until Timer F (64*T1) times out', () => {
    const { clock, transport, log, transaction } = setUp();
    assert.deepEqual(transaction.runningTimers, ['E', 'F']);
    clock.advance(32_000);
    assert.deepEqual(transport.lines, [
      '+0 OPTIONS',
      '+500 OPTIONS',
      '+1500 OPTIONS',
      '+3500 OPTIONS',
      '+7500 OPTIONS',
      '+11500 OPTIONS',
      '+15500 OPTIONS',
      '+19500 OPTIONS',
      '+23500 OPTIONS',
      '+27500 OPTIONS',
      '+31500 OPTIONS',
    ]);
    assert.deepEqual(log, ['timeout F', 'terminated']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('over TCP sends once and only runs Timer F', () => {
    const { clock, transport, log, transaction } = setUp(true);
    assert.deepEqual(transaction.runningTimers, ['F']);
    clock.advance(32_000);
    assert.deepEqual(transport.lines, ['+0 OPTIONS']);
    assert.deepEqual(log, ['timeout F', 'terminated']);
  });

  it('terminates on a transport error and tells the TU', () => {
    const { log, transaction } = setUp();
    transaction.transportError('connection refused');
    assert.deepEqual(log, ['transport-error connection refused', 'terminated']);
  });
});

describe('non-INVITE client transaction: Proceeding', () => {
  it('passes 1xx up and retransmits every T2 from the next firing of Timer E, until Timer F', () => {
    const { clock, transport, log, request, transaction } = setUp();
    clock.advance(600);
    transaction.receiveResponse(bobResponse(request, 100));
    assert.equal(transaction.state, 'Proceeding');
    clock.advance(32_000 - 600);
    assert.deepEqual(transport.lines, [
      '+0 OPTIONS',
      '+500 OPTIONS',
      '+1500 OPTIONS',
      '+5500 OPTIONS',
      '+9500 OPTIONS',
      '+13500 OPTIONS',
      '+17500 OPTIONS',
      '+21500 OPTIONS',
      '+25500 OPTIONS',
      '+29500 OPTIONS',
    ]);
    assert.deepEqual(log, ['response 100', 'timeout F', 'terminated']);
  });
});

describe('non-INVITE client transaction: Completed', () => {
  it('passes the final response up once, absorbs its retransmissions, ends on Timer K (T4)', () => {
    const { clock, transport, log, request, transaction } = setUp();
    transaction.receiveResponse(bobResponse(request, 100));
    transaction.receiveResponse(bobResponse(request, 200));
    assert.equal(transaction.state, 'Completed');
    assert.deepEqual(transaction.runningTimers, ['K']);
    transaction.receiveResponse(bobResponse(request, 200));
    transaction.transportError('late');
    clock.advance(4_999);
    assert.equal(transaction.state, 'Completed');
    clock.advance(1);
    assert.deepEqual(log, ['response 100', 'response 200', 'terminated']);
    assert.deepEqual(transport.lines, ['+0 OPTIONS']);
  });

  it('over TCP terminates as soon as the final response arrives (Timer K = 0)', () => {
    const { clock, log, request, transaction } = setUp(true);
    transaction.receiveResponse(bobResponse(request, 404));
    assert.equal(transaction.state, 'Terminated');
    assert.deepEqual(log, ['response 404', 'terminated']);
    assert.equal(clock.pendingTimers, 0);
  });
});
