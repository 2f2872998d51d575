/**
 * RFC 3261 §19.1 / §25.1 (sip:, sips:), RFC 3966 (tel:), absoluteURI — parse and format tables.
 * https://www.rfc-editor.org/rfc/rfc3261#section-19.1
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatUri, parseUri, type Uri } from './index.js';

const VALID: ReadonlyArray<[string, Partial<Record<string, unknown>>]> = [
  ['sip:alice@atlanta.com', { kind: 'sip', scheme: 'sip', user: 'alice', host: 'atlanta.com' }],
  ['SIPS:Alice@Atlanta.com:5061', { scheme: 'sips', user: 'Alice', host: 'Atlanta.com', port: 5061 }],
  [
    'sip:alice:secretword@atlanta.com;transport=tcp',
    { password: 'secretword', params: [{ name: 'transport', value: 'tcp' }] },
  ],
  ['sip:+1-212-555-1212:1234@gateway.com;user=phone', { user: '+1-212-555-1212', password: '1234' }],
  [
    'sip:atlanta.com;method=REGISTER?to=alice%40atlanta.com',
    { headers: [{ name: 'to', value: 'alice%40atlanta.com' }] },
  ],
  [
    'sip:alice@atlanta.com?subject=project%20x&priority=urgent',
    {
      headers: [
        { name: 'subject', value: 'project%20x' },
        { name: 'priority', value: 'urgent' },
      ],
    },
  ],
  ['sip:alice@192.0.2.4', { host: '192.0.2.4' }],
  ['sip:[2001:db8::10]:5070', { host: '[2001:db8::10]', port: 5070 }],
  ['sip:alice@[::ffff:192.0.2.128]', { host: '[::ffff:192.0.2.128]' }],
  [
    'sip:host.example.com;lr;maddr=239.255.255.1;ttl=15',
    { params: [{ name: 'lr' }, { name: 'maddr', value: '239.255.255.1' }, { name: 'ttl', value: '15' }] },
  ],
  ['sip:user;par=u%40example.net@example.com', { user: 'user;par=u%40example.net', host: 'example.com' }],
  ['sip:example.com.', { host: 'example.com.' }],
  ['tel:+1-201-555-0123', { kind: 'tel', number: '+1-201-555-0123', isGlobal: true }],
  [
    'tel:7042;phone-context=example.com',
    { kind: 'tel', isGlobal: false, params: [{ name: 'phone-context', value: 'example.com' }] },
  ],
  ['tel:+358-555-1234567;postd=pp22', { kind: 'tel', params: [{ name: 'postd', value: 'pp22' }] }],
  ['urn:service:sos', { kind: 'absolute', scheme: 'urn', opaque: 'service:sos' }],
  ['HTTP://www.example.com/x', { kind: 'absolute', scheme: 'http' }],
];

const INVALID: ReadonlyArray<[string, string]> = [
  ['alice@atlanta.com', 'no scheme'],
  ['sip:', 'no host'],
  ['sip:@atlanta.com', 'empty user'],
  ['sip:alice@', 'empty host'],
  ['sip:alice@atlanta.com:99999', 'port out of range'],
  ['sip:alice@atlanta.com:50x', 'non-numeric port'],
  ['sip:alice@[2001:db8::10', 'unterminated IPv6 reference'],
  ['sip:alice@[2001:db8:::10]', 'bad IPv6 address'],
  ['sip:alice@256.1.1.1', 'IPv4 octet out of range'],
  ['sip:alice@exa mple.com', 'space in host'],
  ['sip:alice@-example.com', 'label starting with a hyphen'],
  ['sip:al ice@example.com', 'space in user'],
  ['sip:alice@example.com;;lr', 'empty parameter'],
  ['sip:alice@example.com;lr=', 'empty parameter value'],
  ['sip:alice@example.com?subject', 'header without "="'],
  ['sip:alice%2@example.com', 'truncated escape'],
  ['tel:7042', 'local number without phone-context'],
  ['tel:+', 'global number without digits'],
  ['http:', 'empty absoluteURI'],
  ['x<y:z', 'bad scheme'],
];

describe('parseUri', () => {
  for (const [text, expected] of VALID) {
    it(`parses ${text}`, () => {
      const result = parseUri(text);
      assert.ok(result.ok, result.ok ? '' : result.error);
      const actual = Object.fromEntries(
        Object.keys(expected).map((k) => [k, (result.value as unknown as Record<string, unknown>)[k]]),
      );
      assert.deepEqual(actual, expected);
    });
  }
  for (const [text, why] of INVALID) {
    it(`refuses ${text} (${why})`, () => assert.equal(parseUri(text).ok, false));
  }
});

describe('formatUri', () => {
  for (const [text] of VALID) {
    it(`reproduces ${text}, scheme lower-cased`, () => {
      const result = parseUri(text);
      assert.ok(result.ok);
      const colon = text.indexOf(':');
      assert.equal(formatUri(result.value), text.slice(0, colon).toLowerCase() + text.slice(colon));
    });
  }

  it('formats a constructed URI', () => {
    const uri: Uri = {
      kind: 'sip',
      scheme: 'sips',
      user: 'bob',
      host: '[2001:db8::1]',
      port: 5061,
      params: [{ name: 'transport', value: 'tls' }, { name: 'lr' }],
      headers: [{ name: 'Subject', value: 'hi%20there' }],
    };
    assert.equal(formatUri(uri), 'sips:bob@[2001:db8::1]:5061;transport=tls;lr?Subject=hi%20there');
  });
});
