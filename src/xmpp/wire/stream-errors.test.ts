import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Element, el, isXmlError, parseXml, serialize } from '../../xml/index.js';
import { NS_STREAM } from './namespaces.js';
import {
  isStreamErrorCondition,
  parseStreamError,
  STREAM_ERROR_CONDITIONS,
  streamError,
} from './stream-errors.js';

const IN_STREAM = { declared: { '': 'jabber:client', stream: NS_STREAM } };

function reparse(element: Element): Element {
  const result = parseXml(serialize(element, { assumed: { stream: NS_STREAM } }));
  assert.ok(!isXmlError(result));
  return result;
}

describe('stream error conditions', () => {
  it('lists the 25 conditions of RFC 6120 §4.9.3, without duplicates', () => {
    assert.equal(STREAM_ERROR_CONDITIONS.length, 25);
    assert.equal(new Set(STREAM_ERROR_CONDITIONS).size, 25);
    assert.equal(isStreamErrorCondition('see-other-host'), true);
    assert.equal(isStreamErrorCondition('not-a-condition'), false);
  });
});

describe('streamError', () => {
  const cases: ReadonlyArray<{ name: string; element: Element; xml: string }> = [
    {
      name: 'a bare condition',
      element: streamError('not-well-formed'),
      xml: "<stream:error><not-well-formed xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    },
    {
      name: 'a condition with text (§4.9.2)',
      element: streamError('conflict', 'Replaced by new connection', { lang: 'en' }),
      xml: "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>Replaced by new connection</text></stream:error>",
    },
    {
      name: 'see-other-host with its host (§4.9.3.19)',
      element: streamError('see-other-host', undefined, { otherHost: '[2001:41D0:1:A49b::1]:9222' }),
      xml: "<stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>[2001:41D0:1:A49b::1]:9222</see-other-host></stream:error>",
    },
    {
      name: 'an application condition (§4.9.4)',
      element: streamError('bad-format', undefined, {
        application: el('escape-your-data', { xmlns: 'urn:example:errors' }),
      }),
      xml: "<stream:error><bad-format xmlns='urn:ietf:params:xml:ns:xmpp-streams'/><escape-your-data xmlns='urn:example:errors'/></stream:error>",
    },
  ];
  for (const { name, element, xml } of cases) {
    it(`writes ${name}`, () => assert.equal(serialize(element, IN_STREAM), xml));
  }
});

describe('parseStreamError', () => {
  it('reads back what streamError writes', () => {
    const read = parseStreamError(
      reparse(streamError('conflict', 'Replaced', { application: el('x', { xmlns: 'urn:x' }) })),
    );
    assert.equal(read?.condition, 'conflict');
    assert.equal(read?.text, 'Replaced');
    assert.equal(read?.application?.name, 'x');
  });

  it('reads an unknown condition as undefined-condition (§4.9.3.21)', () => {
    const element = reparse(
      el('stream:error', el('brand-new', { xmlns: 'urn:ietf:params:xml:ns:xmpp-streams' })),
    );
    assert.equal(parseStreamError(element)?.condition, 'undefined-condition');
  });

  it('is undefined for anything but <stream:error/>', () => {
    assert.equal(parseStreamError(reparse(el('error', { xmlns: 'jabber:client' }))), undefined);
  });
});
