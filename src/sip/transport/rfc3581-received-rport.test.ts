import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SipHeaders } from '../wire/index.js';
import { plainAddress, stampTopVia } from './rfc3581-received-rport.js';

const SOURCE = { address: '192.0.2.4', port: 41_000 };

const cases: { name: string; via: string; source?: { address: string; port: number }; stamped: string }[] = [
  {
    name: 'sent-by is the source address, no rport: left alone (§18.2.1)',
    via: 'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1',
    stamped: 'SIP/2.0/UDP 192.0.2.4:5060;branch=z9hG4bK1',
  },
  {
    name: 'sent-by is another address: received added (§18.2.1)',
    via: 'SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK1',
    stamped: 'SIP/2.0/UDP 10.0.0.7:5060;branch=z9hG4bK1;received=192.0.2.4',
  },
  {
    name: 'sent-by is a domain name: received added (§18.2.1)',
    via: 'SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK1',
    stamped: 'SIP/2.0/TCP pc33.atlanta.example.com;branch=z9hG4bK1;received=192.0.2.4',
  },
  {
    name: 'rport asked for from the same address: received even if identical, rport filled (RFC 3581 §4)',
    via: 'SIP/2.0/UDP 192.0.2.4:5060;rport;branch=z9hG4bK1',
    stamped: 'SIP/2.0/UDP 192.0.2.4:5060;rport=41000;branch=z9hG4bK1;received=192.0.2.4',
  },
  {
    name: 'rport behind a NAT (the RFC 3581 §4 example)',
    via: 'SIP/2.0/UDP 10.1.1.1:4540;rport;branch=z9hG4bKkjshdyff',
    source: { address: '192.0.2.1', port: 9988 },
    stamped: 'SIP/2.0/UDP 10.1.1.1:4540;rport=9988;branch=z9hG4bKkjshdyff;received=192.0.2.1',
  },
  {
    name: 'a received the client put in itself is overwritten',
    via: 'SIP/2.0/UDP 192.0.2.4:5060;received=203.0.113.9;branch=z9hG4bK1',
    stamped: 'SIP/2.0/UDP 192.0.2.4:5060;received=192.0.2.4;branch=z9hG4bK1',
  },
  {
    name: 'source port unknown (WebSocket): received only, rport left as asked',
    via: 'SIP/2.0/WS df7jal23ls0d.invalid;rport;branch=z9hG4bK1',
    source: { address: '192.0.2.4', port: 0 },
    stamped: 'SIP/2.0/WS df7jal23ls0d.invalid;rport;branch=z9hG4bK1;received=192.0.2.4',
  },
  {
    name: 'an IPv6 sent-by equal to the source in another spelling: left alone',
    via: 'SIP/2.0/UDP [2001:DB8:0::1]:5060;branch=z9hG4bK1',
    source: { address: '2001:db8::1', port: 5060 },
    stamped: 'SIP/2.0/UDP [2001:DB8:0::1]:5060;branch=z9hG4bK1',
  },
  {
    name: 'an IPv4-mapped source from a dual-stack socket compares as IPv4',
    via: 'SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK1',
    source: { address: '::ffff:192.0.2.4', port: 5060 },
    stamped: 'SIP/2.0/TCP 192.0.2.4:5060;branch=z9hG4bK1',
  },
];

describe('RFC 3581 §4 / RFC 3261 §18.2.1: stamping the top Via', () => {
  for (const c of cases) {
    it(c.name, () => {
      const headers = new SipHeaders([
        { name: 'Via', value: c.via },
        { name: 'Call-ID', value: 'x' },
      ]);
      const stamped = stampTopVia(headers, c.source ?? SOURCE);
      assert.deepEqual(stamped.getAll('Via'), [c.stamped]);
      assert.equal(stamped.get('Call-ID'), 'x');
    });
  }

  it('changes only the top value of a comma-separated Via line, in place', () => {
    const headers = new SipHeaders([
      { name: 'Call-ID', value: 'x' },
      { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.7;branch=z9hG4bK2, SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK1' },
      { name: 'Via', value: 'SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0' },
    ]);
    const stamped = stampTopVia(headers, SOURCE);
    assert.deepEqual(
      stamped.list.map((h) => `${h.name}: ${h.value}`),
      [
        'Call-ID: x',
        'Via: SIP/2.0/UDP 10.0.0.7;branch=z9hG4bK2;received=192.0.2.4, SIP/2.0/UDP 10.0.0.8;branch=z9hG4bK1',
        'Via: SIP/2.0/UDP 10.0.0.9;branch=z9hG4bK0',
      ],
    );
  });

  it('leaves headers without a Via, or with one that does not parse, alone', () => {
    const none = new SipHeaders([{ name: 'Call-ID', value: 'x' }]);
    assert.equal(stampTopVia(none, SOURCE), none);
    const broken = new SipHeaders([{ name: 'Via', value: 'not a via' }]);
    assert.equal(stampTopVia(broken, SOURCE), broken);
  });

  it('plainAddress unwraps IPv4-mapped IPv6 only', () => {
    assert.equal(plainAddress('::ffff:127.0.0.1'), '127.0.0.1');
    assert.equal(plainAddress('::1'), '::1');
    assert.equal(plainAddress('10.0.0.1'), '10.0.0.1');
  });
});
