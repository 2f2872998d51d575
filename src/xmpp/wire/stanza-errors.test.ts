import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Element, el, isXmlError, parseXml, serialize } from '../../xml/index.js';
import {
  errorReply,
  parseStanzaError,
  STANZA_ERROR_TYPES,
  type StanzaErrorCondition,
  stanzaError,
} from './stanza-errors.js';

const IN_STREAM = { declared: { '': 'jabber:client' } };

function stanza(xml: string): Element {
  const result = parseXml(xml, { namespaces: { '': 'jabber:client' } });
  assert.ok(!isXmlError(result), isXmlError(result) ? result.text : '');
  return result;
}

describe('stanza error conditions and their types (RFC 6120 §8.3.3)', () => {
  const expected: ReadonlyArray<[StanzaErrorCondition, string]> = [
    ['bad-request', 'modify'],
    ['conflict', 'cancel'],
    ['feature-not-implemented', 'cancel'],
    ['forbidden', 'auth'],
    ['gone', 'cancel'],
    ['internal-server-error', 'cancel'],
    ['item-not-found', 'cancel'],
    ['jid-malformed', 'modify'],
    ['not-acceptable', 'modify'],
    ['not-allowed', 'cancel'],
    ['not-authorized', 'auth'],
    ['policy-violation', 'modify'],
    ['recipient-unavailable', 'wait'],
    ['redirect', 'modify'],
    ['registration-required', 'auth'],
    ['remote-server-not-found', 'cancel'],
    ['remote-server-timeout', 'wait'],
    ['resource-constraint', 'wait'],
    ['service-unavailable', 'cancel'],
    ['subscription-required', 'auth'],
    ['undefined-condition', 'cancel'],
    ['unexpected-request', 'wait'],
  ];
  it('has exactly the 22 defined conditions', () => {
    assert.deepEqual(Object.keys(STANZA_ERROR_TYPES).sort(), expected.map(([c]) => c).sort());
  });
  for (const [condition, type] of expected) {
    it(`${condition} defaults to ${type}`, () => {
      assert.equal(stanzaError(condition).attr('type'), type);
    });
  }
});

describe('stanzaError', () => {
  it('writes condition, text, by and an application condition (§8.3.2)', () => {
    const error = stanzaError('bad-request', {
      text: 'Bad id',
      lang: 'en',
      by: 'example.net',
      application: el('bad-id', { xmlns: 'urn:example:app' }),
    });
    assert.equal(
      serialize(error, IN_STREAM),
      "<error type='modify' by='example.net'><bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas' xml:lang='en'>Bad id</text><bad-id xmlns='urn:example:app'/></error>",
    );
  });

  it('carries the new address for gone and redirect, and nowhere else', () => {
    const gone = stanzaError('gone', { alternateAddress: 'xmpp:romeo@afterlife.example.net' });
    assert.equal(gone.elements()[0]?.text(), 'xmpp:romeo@afterlife.example.net');
    const redirect = stanzaError('redirect', { alternateAddress: 'xmpp:rostersrv.example.net' });
    assert.equal(redirect.elements()[0]?.text(), 'xmpp:rostersrv.example.net');
    assert.equal(stanzaError('conflict', { alternateAddress: 'x' }).elements()[0]?.text(), '');
  });

  it('lets the type be overridden', () => {
    assert.equal(stanzaError('policy-violation', { type: 'wait' }).attr('type'), 'wait');
  });
});

describe('errorReply (§8.3.1)', () => {
  it('swaps to and from, keeps the id, sets type error and adds the error', () => {
    const request = stanza(
      "<iq from='juliet@im.example.com/balcony' id='rg1' to='im.example.com' type='get'><query xmlns='jabber:iq:roster'/></iq>",
    );
    const reply = errorReply(request, 'service-unavailable');
    assert.ok(reply);
    assert.equal(
      serialize(reply, IN_STREAM),
      "<iq from='im.example.com' to='juliet@im.example.com/balcony' id='rg1' type='error'><error type='cancel'><service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
  });

  it('leaves out addresses and id the original did not have', () => {
    const reply = errorReply(stanza('<message><body>x</body></message>'), 'not-acceptable');
    assert.ok(reply);
    assert.deepEqual({ ...reply.attrs }, { type: 'error' });
  });

  it('echoes the original payload only when asked (§8.3.1 MAY)', () => {
    const original = stanza("<message to='romeo@example.net' id='m1'><body>Wherefore?</body></message>");
    const bare = errorReply(original, 'recipient-unavailable');
    const echoed = errorReply(original, 'recipient-unavailable', { includeOriginal: true });
    assert.equal(bare?.getChild('body'), undefined);
    assert.equal(echoed?.getChildText('body'), 'Wherefore?');
    assert.ok(echoed?.getChild('error'));
  });

  const silent: ReadonlyArray<[string, string]> = [
    ['an error stanza (§8.3.1: never answer an error with an error)', "<message type='error' id='e'/>"],
    ['an IQ error', "<iq type='error' id='e'/>"],
    ['an IQ result (§8.2.3)', "<iq type='result' id='r'/>"],
    ['something that is not a stanza', "<r xmlns='urn:xmpp:sm:3'/>"],
  ];
  for (const [name, xml] of silent) {
    it(`sends nothing for ${name}`, () => assert.equal(errorReply(stanza(xml), 'bad-request'), undefined));
  }
});

describe('parseStanzaError', () => {
  it('reads back what errorReply writes', () => {
    const reply = errorReply(stanza("<iq type='set' id='1'/>"), 'forbidden', {
      text: 'No',
      by: 'example.net',
    });
    assert.ok(reply);
    const reread = parseStanzaError(stanza(serialize(reply, IN_STREAM)));
    assert.deepEqual(reread, {
      type: 'auth',
      condition: 'forbidden',
      text: 'No',
      by: 'example.net',
      application: undefined,
    });
  });

  it('falls back to undefined-condition and to the default type', () => {
    const read = parseStanzaError(
      stanza(
        "<message type='error'><error><novel xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/><x xmlns='urn:app'/></error></message>",
      ),
    );
    assert.equal(read?.condition, 'undefined-condition');
    assert.equal(read?.type, 'cancel');
    assert.equal(read?.application?.name, 'x');
  });

  it('is undefined without an <error/> child', () => {
    assert.equal(parseStanzaError(stanza("<message type='error'/>")), undefined);
  });
});
