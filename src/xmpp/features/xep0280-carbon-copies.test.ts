import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid, Jid } from '../../core/address/jid.js';
import { Element, parseXml, serialize } from '../../xml/index.js';
import { carbonCopy, carbonEligibility, carbonTargets, withoutPrivate } from './xep0280-carbon-copies.js';

/** A stanza as a c2s stream parses it: in jabber:client. */
function stanza(xml: string): Element {
  const parsed = parseXml(xml, { namespaces: { '': 'jabber:client' } });
  assert.ok(parsed instanceof Element, String(parsed));
  return parsed;
}

const inStream = { declared: { '': 'jabber:client' } };

describe('XEP-0280 §6 and §9: which messages are copied', () => {
  const cases: [string, string, ReturnType<typeof carbonEligibility>][] = [
    ['a chat', "<message type='chat'><body>hi</body></message>", { isEligible: true }],
    [
      'a chat state (chat, no body)',
      "<message type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>",
      { isEligible: true },
    ],
    ['a normal message with a body', '<message><body>hi</body></message>', { isEligible: true }],
    [
      'an unknown type is normal (RFC 6121 §5.2.2)',
      "<message type='fancy'><body>hi</body></message>",
      { isEligible: true },
    ],
    [
      'a normal message without a body',
      "<message><received xmlns='urn:xmpp:receipts' id='1'/></message>",
      { isEligible: false, reason: 'type' },
    ],
    [
      'groupchat',
      "<message type='groupchat'><body>hi</body></message>",
      { isEligible: false, reason: 'type' },
    ],
    [
      'headline',
      "<message type='headline'><body>news</body></message>",
      { isEligible: false, reason: 'type' },
    ],
    ['error', "<message type='error'><body>hi</body></message>", { isEligible: false, reason: 'type' }],
    [
      '<private/>',
      "<message type='chat'><body>hi</body><private xmlns='urn:xmpp:carbons:2'/></message>",
      { isEligible: false, reason: 'private' },
    ],
    [
      '<no-copy/> (XEP-0334)',
      "<message type='chat'><body>hi</body><no-copy xmlns='urn:xmpp:hints'/></message>",
      { isEligible: false, reason: 'no-copy' },
    ],
    [
      'a private in another namespace does not count',
      "<message type='chat'><body>hi</body><private xmlns='urn:example'/></message>",
      { isEligible: true },
    ],
    [
      'a carbon a peer wrapped itself',
      "<message type='chat'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'/></received></message>",
      { isEligible: false, reason: 'carbon' },
    ],
    [
      'a sent carbon a peer wrapped itself',
      "<message><sent xmlns='urn:xmpp:carbons:2'/><body>x</body></message>",
      { isEligible: false, reason: 'carbon' },
    ],
  ];
  for (const [name, xml, expected] of cases) {
    it(name, () => assert.deepEqual(carbonEligibility(stanza(xml)), expected));
  }
});

describe('XEP-0280 §9: <private/> is removed before delivery', () => {
  it('drops only the carbons <private/>, keeping the rest in order', () => {
    const original = stanza(
      "<message type='chat' to='bob@localhost'><body>psst</body><private xmlns='urn:xmpp:carbons:2'/><no-copy xmlns='urn:xmpp:hints'/></message>",
    );
    assert.equal(
      serialize(withoutPrivate(original), inStream),
      "<message type='chat' to='bob@localhost'><body>psst</body><no-copy xmlns='urn:xmpp:hints'/></message>",
    );
  });

  it('returns a message without <private/> as it is', () => {
    const original = stanza("<message type='chat'><body>hi</body></message>");
    assert.equal(withoutPrivate(original), original);
  });
});

describe('XEP-0280 §7, §8: who gets a copy', () => {
  const sessions = [
    { jid: 'alice@localhost/laptop' as Jid, isEnabled: true },
    { jid: 'alice@localhost/phone' as Jid, isEnabled: true },
    { jid: 'alice@localhost/old' as Jid, isEnabled: false },
  ];
  const cases: [string, string[], string[]][] = [
    ['every enabled resource but the sender (§8)', ['alice@localhost/laptop'], ['alice@localhost/phone']],
    ['none that got the original (§7)', ['alice@localhost/laptop', 'alice@localhost/phone'], []],
    ['never one that did not enable Carbons', [], ['alice@localhost/laptop', 'alice@localhost/phone']],
  ];
  for (const [name, exclude, expected] of cases) {
    it(name, () => assert.deepEqual(carbonTargets(sessions, new Set(exclude)), expected));
  }
});

describe('XEP-0280 §7, §8: the copy (golden)', () => {
  const original = stanza(
    "<message from='juliet@localhost/balcony' to='romeo@localhost/garden' type='chat' id='m1'><body>Wherefore art thou?</body><thread>t1</thread></message>",
  );

  it('a received copy: from the bare JID, to the resource, same type, the original forwarded in jabber:client', () => {
    const copy = carbonCopy(
      'received',
      'romeo@localhost' as BareJid,
      'romeo@localhost/home' as Jid,
      original,
    );
    assert.equal(
      serialize(copy, inStream),
      "<message from='romeo@localhost' to='romeo@localhost/home' type='chat'>" +
        "<received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" +
        "<message from='juliet@localhost/balcony' to='romeo@localhost/garden' type='chat' id='m1' xmlns='jabber:client'>" +
        '<body>Wherefore art thou?</body><thread>t1</thread></message>' +
        '</forwarded></received></message>',
    );
  });

  it('a sent copy of a normal message has no type, as the original', () => {
    const normal = stanza(
      "<message from='romeo@localhost/home' to='juliet@localhost'><body>Hi</body></message>",
    );
    const copy = carbonCopy('sent', 'romeo@localhost' as BareJid, 'romeo@localhost/garden' as Jid, normal);
    assert.equal(
      serialize(copy, inStream),
      "<message from='romeo@localhost' to='romeo@localhost/garden'>" +
        "<sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>" +
        "<message from='romeo@localhost/home' to='juliet@localhost' xmlns='jabber:client'><body>Hi</body></message>" +
        '</forwarded></sent></message>',
    );
  });

  it('round-trips: the forwarded message parses back in jabber:client', () => {
    const copy = carbonCopy(
      'received',
      'romeo@localhost' as BareJid,
      'romeo@localhost/home' as Jid,
      original,
    );
    const parsed = stanza(serialize(copy, inStream));
    const inner = parsed
      .getChild('received', 'urn:xmpp:carbons:2')
      ?.getChild('forwarded', 'urn:xmpp:forward:0')
      ?.getChild('message', 'jabber:client');
    assert.equal(inner?.getChildText('body'), 'Wherefore art thou?');
  });
});
