/**
 * RFC 4475 §3.1.1 — the valid torture messages must parse, with the values the RFC describes.
 * https://www.rfc-editor.org/rfc/rfc4475#section-3.1.1
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  callId,
  contacts,
  contentLength,
  contentType,
  cseq,
  fromHeader,
  maxForwards,
  parseMessage,
  routes,
  type SipMessage,
  type SipRequest,
  toHeader,
  unescapeUriComponent,
  unquote,
  uriEquals,
  vias,
} from './index.js';

function fixture(name: string): Buffer {
  return readFileSync(new URL(`./fixtures/rfc4475/${name}.sip`, import.meta.url));
}

function parsed(name: string): SipMessage {
  const result = parseMessage(fixture(name), { transport: 'datagram' });
  assert.ok(result.ok, `${name}: ${result.ok ? '' : result.detail}`);
  return result.message;
}

function request(name: string): SipRequest {
  const message = parsed(name);
  assert.equal(message.kind, 'request');
  return message as SipRequest;
}

function sipUri(uri: SipRequest['uri']) {
  assert.equal(uri.kind, 'sip');
  return uri as Extract<SipRequest['uri'], { kind: 'sip' }>;
}

describe('RFC 4475 §3.1.1 valid messages', () => {
  it('3.1.1.1 wsinv: folding, escapes in quotes, compact forms, odd case, leading zeros', () => {
    const m = request('wsinv');
    assert.equal(m.method, 'INVITE');
    assert.deepEqual(sipUri(m.uri).params, [{ name: 'unknownparam' }]);
    assert.equal(toHeader(m).tag, '1918181833n');
    assert.equal(fromHeader(m).displayName, 'J Rosenberg \\"');
    assert.equal(fromHeader(m).tag, '98asjd8');
    assert.equal(maxForwards(m), 68);
    assert.deepEqual(cseq(m), { seq: 9, method: 'INVITE' });
    assert.equal(callId(m), 'wsinv.ndaksdj@192.0.2.1');
    assert.deepEqual(
      vias(m).map((v) => [v.transport, v.host, v.branch]),
      [
        ['UDP', '192.0.2.2', '390skdjuw'],
        ['TCP', 'spindle.example.com', 'z9hG4bK9ikj8'],
        ['UDP', '192.168.255.111', 'z9hG4bK30239'],
      ],
    );
    assert.equal(m.headers.get('Subject'), '');
    assert.equal(m.headers.get('NewFangledHeader'), 'newfangled value continued newfangled value');
    assert.equal(m.headers.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    assert.deepEqual(
      routes(m).map((r) => r.uri.kind === 'sip' && r.uri.params.map((p) => p.name)),
      [['lr', 'unknownwith', 'unknown-no-value']],
    );
    const contact = contacts(m);
    assert.ok(contact?.kind === 'addresses');
    assert.equal(contact.contacts[0]?.displayName, 'Quoted string ""');
    assert.deepEqual(contact.contacts[0]?.params, [
      { name: 'newparam', value: 'newvalue' },
      { name: 'secondparam' },
      { name: 'q', value: '0.33' },
    ]);
    assert.equal(m.body.length, 150);
  });

  it('3.1.1.2 intmeth: the widest legal character ranges', () => {
    const m = request('intmeth');
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    const uri = sipUri(m.uri);
    assert.equal(uri.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(uri.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(toHeader(m).displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    const from = fromHeader(m);
    assert.equal(from.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(from.tag, "_token~1'+`*%!-.");
    assert.equal(unquote(from.params[0]?.value ?? ''), 'работающий');
    assert.equal(callId(m), 'intmeth.word%ZK-!.*_+\'@word`~)(><:\\/"][?}{');
    assert.equal(cseq(m).method, m.method);
    assert.equal(vias(m)[0]?.branch, "z9hG4bK-.!%66*_+`'~");
    assert.equal(m.headers.get("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
  });

  it('3.1.1.3 esc01: %HEX escapes are equivalent to the characters where the grammar allows them', () => {
    const m = request('esc01');
    assert.equal(unescapeUriComponent(sipUri(m.uri).user ?? ''), 'sips:user@example.com');
    const to = toHeader(m).uri;
    assert.ok(to.kind === 'sip' && unescapeUriComponent(to.user ?? '') === 'user');
    const from = fromHeader(m).uri;
    assert.ok(from.kind === 'sip' && unescapeUriComponent(from.user ?? '') === 'I have spaces');
    assert.equal(callId(m), 'esc01.239409asdfakjkn23onasd0-3234');
    const type = contentType(m);
    assert.ok(type?.ok && type.value.subtype === 'sdp', 'compact form "C" is Content-Type');
    const contact = contacts(m);
    assert.ok(contact?.kind === 'addresses');
    const uri = contact.contacts[0]?.uri;
    assert.ok(uri?.kind === 'sip');
    // "value%41" is not "valueA": unescaping is never recursive (RFC 3986).
    assert.equal(unescapeUriComponent(uri.params[1]?.value ?? ''), 'value%41');
    assert.ok(
      uriEquals(uri, {
        ...uri,
        user: 'caller',
        params: [{ name: 'lr' }, { name: 'name', value: 'value%2541' }],
      }),
    );
  });

  it('3.1.1.4 escnull: %00 in user parts, two distinct contacts', () => {
    const m = request('escnull');
    const to = toHeader(m).uri;
    assert.ok(to.kind === 'sip' && unescapeUriComponent(to.user ?? '') === 'null-\0-null');
    const contact = contacts(m);
    assert.ok(contact?.kind === 'addresses' && contact.contacts.length === 2);
    const [a, b] = contact.contacts;
    assert.ok(a && b && !uriEquals(a.uri, b.uri));
    assert.equal(contentLength(m), 0);
  });

  it('3.1.1.5 esc02: % is no escape in methods, display names, branches or header names', () => {
    const m = request('esc02');
    assert.equal(m.method, 'RE%47IST%45R');
    assert.equal(cseq(m).method, 'RE%47IST%45R');
    assert.equal(toHeader(m).displayName, '%Z%45');
    assert.equal(vias(m)[0]?.branch, 'z9hG4bK209%fzsnel234');
    const contact = contacts(m);
    assert.ok(contact?.kind === 'addresses');
    assert.deepEqual(
      contact.contacts.map((c) => c.uri.kind === 'sip' && c.uri.user),
      ['alias1', 'alias3'],
    );
    assert.equal(m.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
  });

  it('3.1.1.6 lwsdisp: no LWS between display name and <', () => {
    const from = fromHeader(request('lwsdisp'));
    assert.equal(from.displayName, 'caller');
    assert.equal(from.tag, '323');
  });

  it('3.1.1.7 longreq: long values and 34 Via values under many spellings', () => {
    const m = request('longreq');
    assert.equal(vias(m).length, 34);
    assert.deepEqual(
      vias(m)
        .slice(0, 33)
        .map((v) => v.host),
      Array.from({ length: 33 }, (_, i) => `sip${33 - i}.example.com`),
    );
    assert.equal(vias(m)[33]?.received, '192.0.2.5');
    assert.equal(fromHeader(m).tag, `12${'982'.repeat(50)}424`);
    assert.equal(toHeader(m).displayName, `I have a user name of ${'extreme'.repeat(10)} proportion`);
    const to = toHeader(m).uri;
    assert.ok(to.kind === 'sip' && to.port === 6000 && to.params.length === 3);
    assert.equal(callId(m), `longreq.one${'really'.repeat(20)}longcallid`);
  });

  it('3.1.1.8 dblreq: octets after the Content-Length body are ignored on UDP', () => {
    const m = request('dblreq');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body.length, 0);
    assert.equal(m.headers.getAll('CSeq').length, 1);
  });

  it('3.1.1.9 semiuri: a semicolon in the user part', () => {
    const m = request('semiuri');
    const uri = sipUri(m.uri);
    assert.equal(unescapeUriComponent(uri.user ?? ''), 'user;par=u@example.net');
    assert.equal(uri.host, 'example.com');
    assert.deepEqual(m.headers.values('Accept'), [
      'application/sdp',
      'application/pkcs7-mime',
      'multipart/mixed',
      'multipart/signed',
      'message/sip',
      'message/sipfrag',
    ]);
  });

  it('3.1.1.10 transports: every Via transport, including an unknown one', () => {
    assert.deepEqual(
      vias(request('transports')).map((v) => v.transport),
      ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP'],
    );
  });

  it('3.1.1.11 mpart01: a binary multipart body with NUL octets', () => {
    const m = request('mpart01');
    assert.equal(m.body.length, 553);
    assert.ok(m.body.includes(Buffer.from([0x05, 0x00, 0x04, 0x81, 0x80])));
    assert.equal(vias(m)[0]?.rport, true);
    const type = contentType(m);
    assert.ok(type?.ok && type.value.type === 'multipart' && type.value.subtype === 'mixed');
  });

  it('3.1.1.12 unreason: a reason phrase with UTF-8', () => {
    const m = parsed('unreason');
    assert.ok(m.kind === 'response' && m.status === 200);
    assert.equal(m.reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
  });

  it('3.1.1.13 noreason: an empty reason phrase', () => {
    const m = parsed('noreason');
    assert.ok(m.kind === 'response' && m.status === 100 && m.reason === '');
  });
});
