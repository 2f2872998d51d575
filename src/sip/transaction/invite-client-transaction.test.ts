/**
 * RFC 3261 §17.1.1 (Figure 5) with RFC 6026 §8.4: the INVITE client transaction stepped through every
 * transition with a fake clock, over UDP and TCP.
 * https://www.rfc-editor.org/rfc/rfc3261#section-17.1.1
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { cseq, toHeader } from '../wire/index.js';
import { aliceRequest, bobResponse, RecordingTransport, recordingUser } from './fixtures/atlanta.js';
import { InviteClientTransaction } from './invite-client-transaction.js';

function setUp(isReliable = false) {
  const clock = new FakeClock();
  const transport = new RecordingTransport(clock, isReliable);
  const log: string[] = [];
  const invite = aliceRequest();
  const transaction = new InviteClientTransaction(invite, { transport, clock }, recordingUser(log));
  transaction.start();
  return { clock, transport, log, invite, transaction };
}

describe('INVITE client transaction: Calling', () => {
  it('over UDP retransmits on Timer A (T1, doubling, no cap) until Timer B (64*T1) times out', () => {
    const { clock, transport, log, transaction } = setUp();
    assert.equal(transaction.state, 'Calling');
    assert.deepEqual(transaction.runningTimers, ['A', 'B']);
    clock.advance(31_999);
    assert.deepEqual(log, []);
    clock.advance(1);
    assert.deepEqual(transport.lines, [
      '+0 INVITE',
      '+500 INVITE',
      '+1500 INVITE',
      '+3500 INVITE',
      '+7500 INVITE',
      '+15500 INVITE',
      '+31500 INVITE',
    ]);
    assert.deepEqual(log, ['timeout B', 'terminated']);
    assert.equal(transaction.state, 'Terminated');
    assert.equal(clock.pendingTimers, 0);
  });

  it('over TCP sends once, starts no Timer A, and still times out on Timer B', () => {
    const { clock, transport, log, transaction } = setUp(true);
    assert.deepEqual(transaction.runningTimers, ['B']);
    clock.advance(32_000);
    assert.deepEqual(transport.lines, ['+0 INVITE']);
    assert.deepEqual(log, ['timeout B', 'terminated']);
  });

  it('terminates on a transport error and tells the TU', () => {
    const { clock, log, transaction } = setUp();
    transaction.transportError('ICMP port unreachable');
    assert.deepEqual(log, ['transport-error ICMP port unreachable', 'terminated']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('survives a transport that fails synchronously inside start()', () => {
    const clock = new FakeClock();
    const transport = new RecordingTransport(clock);
    const log: string[] = [];
    const transaction = new InviteClientTransaction(aliceRequest(), { transport, clock }, recordingUser(log));
    transport.afterSend = () => transaction.transportError('no route');
    transaction.start();
    assert.equal(transaction.state, 'Terminated');
    assert.deepEqual(log, ['transport-error no route', 'terminated']);
    assert.equal(clock.pendingTimers, 0);
  });
});

describe('INVITE client transaction: Proceeding', () => {
  it('passes 1xx up, stops retransmitting and leaves Timer B behind', () => {
    const { clock, transport, log, invite, transaction } = setUp();
    clock.advance(600);
    transaction.receiveResponse(bobResponse(invite, 100));
    transaction.receiveResponse(bobResponse(invite, 180));
    assert.equal(transaction.state, 'Proceeding');
    assert.deepEqual(transaction.runningTimers, []);
    clock.advance(120_000);
    assert.deepEqual(transport.lines, ['+0 INVITE', '+500 INVITE']);
    assert.deepEqual(log, ['response 100', 'response 180']);
  });
});

describe('INVITE client transaction: Completed (300-699)', () => {
  it('ACKs the final response, ACKs its retransmissions without telling the TU, ends on Timer D', () => {
    const { clock, transport, log, invite, transaction } = setUp();
    transaction.receiveResponse(bobResponse(invite, 180));
    transaction.receiveResponse(bobResponse(invite, 486));
    assert.equal(transaction.state, 'Completed');
    assert.deepEqual(transaction.runningTimers, ['D']);
    clock.advance(1_000);
    transaction.receiveResponse(bobResponse(invite, 486));
    assert.deepEqual(transport.lines, ['+0 INVITE', '+0 ACK', '+1000 ACK']);
    assert.deepEqual(log, ['response 180', 'response 486']);
    const ack = transport.last;
    assert.ok(ack?.kind === 'request');
    assert.equal(toHeader(ack).tag, 'a6c85cf');
    assert.deepEqual(cseq(ack), { seq: 314159, method: 'ACK' });
    clock.advance(30_999);
    assert.equal(transaction.state, 'Completed');
    clock.advance(1);
    assert.deepEqual(log, ['response 180', 'response 486', 'terminated']);
  });

  it('goes from Calling straight to Completed, and over TCP on to Terminated at once (Timer D = 0)', () => {
    const { clock, transport, log, invite, transaction } = setUp(true);
    transaction.receiveResponse(bobResponse(invite, 603));
    assert.equal(transaction.state, 'Terminated');
    assert.deepEqual(transport.lines, ['+0 INVITE', '+0 ACK']);
    assert.deepEqual(log, ['response 603', 'terminated']);
    assert.equal(clock.pendingTimers, 0);
  });

  it('terminates when sending the ACK fails', () => {
    const { transport, log, invite, transaction } = setUp();
    transport.afterSend = (message) => {
      if (message.kind === 'request' && message.method === 'ACK') transaction.transportError('reset');
    };
    transaction.receiveResponse(bobResponse(invite, 500));
    assert.deepEqual(log, ['response 500', 'transport-error reset', 'terminated']);
  });
});

describe('INVITE client transaction: Accepted (RFC 6026)', () => {
  it('passes every 2xx up without ACKing it, discards other responses, ends on Timer M', () => {
    const { clock, transport, log, invite, transaction } = setUp();
    transaction.receiveResponse(bobResponse(invite, 200));
    assert.equal(transaction.state, 'Accepted');
    assert.deepEqual(transaction.runningTimers, ['M']);
    clock.advance(500);
    transaction.receiveResponse(bobResponse(invite, 200));
    transaction.receiveResponse(bobResponse(invite, 200, 'other-fork'));
    transaction.receiveResponse(bobResponse(invite, 183));
    transaction.receiveResponse(bobResponse(invite, 486));
    transaction.transportError('late failure');
    assert.deepEqual(transport.lines, ['+0 INVITE'], 'no retransmission, no ACK from the transaction');
    assert.deepEqual(log, ['response 200', 'response 200', 'response 200']);
    clock.advance(31_499);
    assert.equal(transaction.state, 'Accepted');
    clock.advance(1);
    assert.equal(transaction.state, 'Terminated');
    transaction.receiveResponse(bobResponse(invite, 200));
    assert.deepEqual(log, ['response 200', 'response 200', 'response 200', 'terminated']);
  });

  it('stays in Accepted for 64*T1 over TCP too', () => {
    const { clock, invite, transaction } = setUp(true);
    transaction.receiveResponse(bobResponse(invite, 200));
    clock.advance(31_999);
    assert.equal(transaction.state, 'Accepted');
    clock.advance(1);
    assert.equal(transaction.state, 'Terminated');
  });
});

describe('INVITE client transaction: terminate()', () => {
  it('ends at once for shutdown, without a failure', () => {
    const { clock, log, transaction } = setUp();
    transaction.terminate();
    transaction.terminate();
    assert.deepEqual(log, ['terminated']);
    assert.equal(clock.pendingTimers, 0);
  });
});
