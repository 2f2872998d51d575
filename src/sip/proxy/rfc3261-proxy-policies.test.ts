/**
 * RFC 3261 §16 — the proxy's pure policies, table-tested: request validation (§16.3), Route
 * preprocessing and Record-Route stamps (§16.4, §16.6 step 4), next hops (§16.12), and the choice
 * of responses (§16.7).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { aliceRequest } from '../transaction/fixtures/atlanta.js';
import { parseNameAddr, parseUri, type SipUri } from '../wire/index.js';
import { proxyVia } from './rfc3261-request-forwarding.js';
import { proxyBranch, validateForwarding } from './rfc3261-request-validation.js';
import { bestResponseIndex, classifyResponse, upstreamStatus } from './rfc3261-response-selection.js';
import {
  directionOf,
  flowTowards,
  formatRecordRoute,
  hopOf,
  preprocessRoutes,
  RouteStamps,
  readRouteStamp,
} from './rfc3261-route-policy.js';

const SECRET = Buffer.alloc(32, 7);
const us = (host: string, port: number | undefined) => host === '192.0.2.10' && (port ?? 5060) === 5060;
const uri = (text: string) => {
  const parsed = parseUri(text);
  assert.ok(parsed.ok);
  return parsed.value;
};

describe('§16.3 request validation', () => {
  it('refuses Max-Forwards 0 with 483', () => {
    const outcome = validateForwarding(aliceRequest({ extraHeaders: [] }), us);
    assert.deepEqual(outcome, { ok: true });
    const hops = aliceRequest();
    const zero = { ...hops, headers: hops.headers.set('Max-Forwards', '0') };
    assert.deepEqual(validateForwarding(zero, us), {
      ok: false,
      status: 483,
      reason: 'Too Many Hops',
      headers: [],
    });
  });

  it('detects a loop (482) by our Via carrying the same loop hash, not a spiral', () => {
    const request = aliceRequest();
    const via = proxyVia(
      { transport: 'udp', local: { address: '192.0.2.10', port: 5060 } },
      proxyBranch(request, 'x1'),
    );
    const looped = { ...request, headers: request.headers.prepend('Via', via) };
    assert.equal(validateForwarding(looped, us).ok, false);
    assert.equal((validateForwarding(looped, us) as { status: number }).status, 482);
    // The same Via from another host, or with a new Request-URI (a spiral), is no loop.
    assert.equal(validateForwarding(looped, () => false).ok, true);
    assert.equal(validateForwarding({ ...looped, uri: uri('sip:bob@192.0.2.4') }, us).ok, true);
  });

  it('answers Proxy-Require with 420 and Unsupported', () => {
    const outcome = validateForwarding(aliceRequest({ extraHeaders: ['Proxy-Require: foo, bar'] }), us);
    assert.deepEqual(outcome, {
      ok: false,
      status: 420,
      reason: 'Bad Extension',
      headers: [{ name: 'Unsupported', value: 'foo, bar' }],
    });
  });
});

describe('§16.4 Route preprocessing and Record-Route stamps', () => {
  const stamp = { ftag: '1928301774', callerFlow: 'udp_192.0.2.1_5060', calleeFlow: 'tcp-7' };
  const own = formatRecordRoute({ transport: 'tcp', host: '192.0.2.10', port: 5060 }, stamp, SECRET);

  it('formats a loose-routing URI that reads back to the same stamp, and refuses a forged one', () => {
    assert.match(own, /^<sip:192\.0\.2\.10:5060;transport=tcp;lr;ftag=1928301774;hof=.*;hs=[^;>]+>$/);
    const parsed = parseNameAddr(own, { allowAddrSpec: false });
    assert.ok(parsed.ok);
    assert.deepEqual(readRouteStamp(parsed.value, SECRET), stamp);
    const forged = parseNameAddr(own.replace('htf=tcp-7', 'htf=tcp-8'), { allowAddrSpec: false });
    assert.ok(forged.ok);
    assert.equal(readRouteStamp(forged.value, SECRET), undefined);
    assert.equal(readRouteStamp(parsed.value, Buffer.alloc(32, 8)), undefined);
  });

  it('remembers the values it made or verified, and only those: a forged one is checked every time', () => {
    const made = new RouteStamps(SECRET);
    const text = made.format({ transport: 'tcp', host: '192.0.2.10', port: 5060 }, stamp);
    assert.equal(text, own);
    // What it made reads back without a parse of its own (any parse handed in is not looked at).
    const unrelated = parseNameAddr('<sip:192.0.2.10;lr>', { allowAddrSpec: false });
    assert.ok(unrelated.ok);
    assert.deepEqual(made.read(text, unrelated.value), stamp);
    const reader = new RouteStamps(SECRET, 2);
    const parsed = parseNameAddr(own, { allowAddrSpec: false });
    assert.ok(parsed.ok);
    assert.deepEqual(reader.read(own, parsed.value), stamp);
    // The same text again is the remembered stamp, even handed another parse (it is not parsed again).
    const other = parseNameAddr('<sip:192.0.2.10;lr>', { allowAddrSpec: false });
    assert.ok(other.ok);
    assert.deepEqual(reader.read(own, other.value), stamp);
    // A forged value is not remembered as ours, however often it comes.
    const forgedText = own.replace('htf=tcp-7', 'htf=tcp-8');
    const forged = parseNameAddr(forgedText, { allowAddrSpec: false });
    assert.ok(forged.ok);
    assert.equal(reader.read(forgedText, forged.value), undefined);
    assert.equal(reader.read(forgedText, forged.value), undefined);
    // Another secret's reader trusts nothing of this one's.
    assert.equal(new RouteStamps(Buffer.alloc(32, 8)).read(own, parsed.value), undefined);
  });

  const isOwnUri = (u: SipUri) => us(u.host, u.port);
  const table: [string, string[], number, boolean][] = [
    ['no Route', [], 0, false],
    ['our stamped Route', [own], 1, true],
    ['an outbound-proxy Route of ours, then our stamp', ['<sip:192.0.2.10;lr>', own], 2, true],
    ['someone else first', ['<sip:198.51.100.1;lr>', own], 0, false],
    ['ours, then someone else', [own, '<sip:198.51.100.1;lr>'], 1, true],
  ];
  for (const [name, routes, removed, stamped] of table)
    it(name, () => {
      const result = preprocessRoutes(routes, new RouteStamps(SECRET), isOwnUri);
      assert.equal(result.removed, removed);
      assert.equal(result.stamp !== undefined, stamped);
      assert.deepEqual(result.remaining, routes.slice(removed));
    });

  it('tells the direction by the From tag and picks the flow towards the other party', () => {
    const fromCaller = aliceRequest({ method: 'BYE', toTag: 'b1' });
    assert.equal(directionOf(fromCaller, stamp), 'downstream');
    assert.equal(flowTowards(fromCaller, stamp), 'tcp-7');
    const fromCallee = { ...stamp, ftag: 'someone-else' };
    assert.equal(directionOf(fromCaller, fromCallee), 'upstream');
    assert.equal(flowTowards(fromCaller, fromCallee), 'udp_192.0.2.1_5060');
  });
});

describe('§16.12 next hops', () => {
  const table: [string, ReturnType<typeof hopOf>][] = [
    ['sip:bob@192.0.2.4', { transport: 'udp', address: '192.0.2.4', port: 5060 }],
    ['sip:bob@192.0.2.4:5070;transport=TCP', { transport: 'tcp', address: '192.0.2.4', port: 5070 }],
    ['sips:bob@192.0.2.4', { transport: 'tls', address: '192.0.2.4', port: 5061 }],
    ['sip:bob@[2001:db8::1]:5080', { transport: 'udp', address: '2001:db8::1', port: 5080 }],
    ['sip:bob@host.invalid;transport=ws', undefined],
    ['sip:bob@192.0.2.4;transport=sctp', undefined],
    ['tel:+15551234', undefined],
  ];
  for (const [text, hop] of table) it(text, () => assert.deepEqual(hopOf(uri(text)), hop));
});

describe('§16.7 response selection', () => {
  it('forwards provisionals but 100, every 2xx to INVITE, and keeps the other finals', () => {
    assert.deepEqual(classifyResponse(100, true, false), { kind: 'absorb' });
    assert.deepEqual(classifyResponse(180, true, false), { kind: 'forward', cancelOthers: false });
    assert.deepEqual(classifyResponse(200, true, false), { kind: 'forward', cancelOthers: true });
    assert.deepEqual(classifyResponse(200, true, true), { kind: 'forward', cancelOthers: true });
    assert.deepEqual(classifyResponse(486, true, false), { kind: 'store', cancelOthers: false });
    assert.deepEqual(classifyResponse(603, true, false), { kind: 'store', cancelOthers: true });
    assert.deepEqual(classifyResponse(486, true, true), { kind: 'absorb' });
    assert.deepEqual(classifyResponse(180, true, true), { kind: 'absorb' });
  });

  const best: [number[], number | undefined][] = [
    [[], undefined],
    [[486], 486],
    [[487, 486], 486],
    [[408, 480], 480],
    [[500, 486, 302], 302],
    [[486, 603, 302], 603],
    [[404, 407, 486], 407],
    [[503, 500], 503],
  ];
  for (const [statuses, expected] of best)
    it(`best of [${statuses.join(', ')}] is ${expected}`, () => {
      const index = bestResponseIndex(statuses);
      assert.equal(index === undefined ? undefined : statuses[index], expected);
    });

  it('turns 503 into 500 upstream', () => {
    assert.equal(upstreamStatus(503), 500);
    assert.equal(upstreamStatus(486), 486);
  });
});
