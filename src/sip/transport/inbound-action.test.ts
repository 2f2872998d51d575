import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMessage, type SipResponse, topVia } from '../wire/index.js';
import { requestText } from './fixtures/sip-test-peers.js';
import { inboundAction } from './inbound-action.js';

const SOURCE = { address: '192.0.2.4', port: 41_000 };
const parse = (text: string, maxMessageSize = 65_535) =>
  parseMessage(Buffer.from(text), { transport: 'datagram', limits: { maxMessageSize } });

function refusal(text: string, maxMessageSize?: number): SipResponse {
  const action = inboundAction(parse(text, maxMessageSize), SOURCE);
  assert.equal(action.kind, 'refuse');
  return action.response;
}

describe('inboundAction', () => {
  it('delivers a request with its top Via stamped (RFC 3581 §4)', () => {
    const action = inboundAction(parse(requestText({ sentBy: '10.0.0.7:5060', rport: true })), SOURCE);
    assert.equal(action.kind, 'deliver');
    const via = topVia(action.message);
    assert.equal(via.received, '192.0.2.4');
    assert.equal(via.rport, 41_000);
  });

  it('delivers a response untouched', () => {
    const text =
      'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.7;branch=z9hG4bK1;rport\r\nFrom: <sip:a@b>;tag=1\r\n' +
      'To: <sip:c@d>;tag=2\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n';
    const result = parse(text);
    const action = inboundAction(result, SOURCE);
    assert.ok(result.ok);
    assert.deepEqual(action, { kind: 'deliver', message: result.message });
  });

  const refusals = [
    {
      name: 'a malformed request: 400 with the parser detail as reason phrase',
      text: requestText({ sentBy: '10.0.0.7:5060', maxForwards: 'many' }),
      status: 400,
      reason: 'malformed Max-Forwards',
    },
    {
      name: 'an oversized request: 513 (RFC 3261 §21.5.7)',
      text: requestText({ method: 'MESSAGE', sentBy: '10.0.0.7:5060', body: 'x'.repeat(600) }),
      maxMessageSize: 500,
      status: 513,
      reason: 'Message Too Large',
    },
    {
      name: 'another SIP version: 505 (RFC 3261 §21.5.6)',
      text: requestText({ sentBy: '10.0.0.7:5060' }).replace('SIP/2.0\r\n', 'SIP/3.0\r\n'),
      status: 505,
      reason: 'Version Not Supported',
    },
  ];
  for (const r of refusals) {
    it(r.name, () => {
      const response = refusal(r.text, r.maxMessageSize);
      assert.equal(response.status, r.status);
      assert.equal(response.reason, r.reason);
      assert.equal(response.headers.get('Call-ID'), 'a84b4c76e66710@pc33.atlanta.example.com');
      // The answer is routed like any response: its Via carries received (RFC 3261 §18.2.1).
      assert.equal(topVia(response).received, '192.0.2.4');
      assert.match(response.headers.get('To') ?? '', /;tag=[0-9a-f]{16}$/);
    });
  }

  it('gives a retransmission the same To tag (§8.2.7)', () => {
    const text = requestText({ sentBy: '10.0.0.7:5060', maxForwards: 'many' });
    assert.equal(refusal(text).headers.get('To'), refusal(text).headers.get('To'));
    const other = requestText({ sentBy: '10.0.0.7:5060', maxForwards: 'many', callId: 'other' });
    assert.notEqual(refusal(other).headers.get('To'), refusal(text).headers.get('To'));
  });

  const drops = [
    { name: 'bytes that are not SIP', text: 'GET / HTTP/1.1\r\nHost: x\r\n\r\n', reason: 'malformed' },
    {
      name: 'a malformed response (responses are never answered)',
      text: 'SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 10.0.0.7;branch=z9hG4bK1\r\nCSeq: x\r\n\r\n',
      reason: 'malformed',
    },
    {
      name: 'a malformed ACK (an ACK gets no response)',
      text: requestText({ method: 'ACK', sentBy: '10.0.0.7:5060', maxForwards: 'many' }),
      reason: 'malformed',
    },
  ];
  for (const d of drops) {
    it(`drops ${d.name}`, () => {
      assert.deepEqual(inboundAction(parse(d.text), SOURCE), { kind: 'drop', reason: d.reason });
    });
  }
});
