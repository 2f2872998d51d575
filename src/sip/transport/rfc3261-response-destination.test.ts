import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SipHeaders } from '../wire/index.js';
import { responseDestination } from './rfc3261-response-destination.js';

const SOURCE = { address: '198.51.100.1', port: 7000 };

const cases: { name: string; via?: string; to: { address: string; port: number } }[] = [
  {
    name: 'received and rport: to received, port rport (RFC 3581 §4)',
    via: 'SIP/2.0/UDP 10.1.1.1:4540;rport=9988;received=192.0.2.1;branch=z9hG4bK1',
    to: { address: '192.0.2.1', port: 9988 },
  },
  {
    name: 'received alone: to received, sent-by port (§18.2.2)',
    via: 'SIP/2.0/UDP 10.1.1.1:4540;received=192.0.2.1;branch=z9hG4bK1',
    to: { address: '192.0.2.1', port: 4540 },
  },
  {
    name: 'received, no sent-by port: 5060 (§18.2.2)',
    via: 'SIP/2.0/UDP pc33.atlanta.example.com;received=192.0.2.1;branch=z9hG4bK1',
    to: { address: '192.0.2.1', port: 5060 },
  },
  {
    name: 'maddr wins over received (§18.2.2)',
    via: 'SIP/2.0/UDP 10.1.1.1:4540;maddr=203.0.113.5;received=192.0.2.1;branch=z9hG4bK1',
    to: { address: '203.0.113.5', port: 4540 },
  },
  {
    name: 'a maddr that is a name is not resolved here: back to the source',
    via: 'SIP/2.0/UDP 10.1.1.1:4540;maddr=proxy.example.com;branch=z9hG4bK1',
    to: SOURCE,
  },
  {
    name: 'sent-by address, nothing else: to sent-by (§18.2.2)',
    via: 'SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bK1',
    to: { address: '192.0.2.9', port: 5070 },
  },
  {
    name: 'sent-by name without received: back to the source',
    via: 'SIP/2.0/UDP pc33.atlanta.example.com:5070;branch=z9hG4bK1',
    to: SOURCE,
  },
  {
    name: 'IPv6 received is used without brackets',
    via: 'SIP/2.0/UDP [2001:db8::9]:5070;rport=5071;received=[2001:db8::1];branch=z9hG4bK1',
    to: { address: '2001:db8::1', port: 5071 },
  },
  { name: 'no Via at all: back to the source', to: SOURCE },
];

describe('RFC 3261 §18.2.2: where a UDP response goes', () => {
  for (const c of cases) {
    it(c.name, () => {
      const headers = new SipHeaders(c.via === undefined ? [] : [{ name: 'Via', value: c.via }]);
      assert.deepEqual(responseDestination({ headers }, SOURCE), c.to);
    });
  }

  it('looks at the top Via only', () => {
    const headers = new SipHeaders([
      {
        name: 'Via',
        value: 'SIP/2.0/UDP 192.0.2.9:5070;branch=z9hG4bK2, SIP/2.0/UDP 192.0.2.8;branch=z9hG4bK1',
      },
    ]);
    assert.deepEqual(responseDestination({ headers }, SOURCE), { address: '192.0.2.9', port: 5070 });
  });
});
