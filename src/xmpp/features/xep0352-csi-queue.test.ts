import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Element, parseXml, serialize } from '../../xml/index.js';
import { CsiQueue, csiDisposition } from './xep0352-csi-queue.js';

function stanza(xml: string): Element {
  const parsed = parseXml(xml, { namespaces: { '': 'jabber:client' } });
  assert.ok(parsed instanceof Element, String(parsed));
  return parsed;
}

const inStream = { declared: { '': 'jabber:client' } };

describe('XEP-0352 §3.2: what an inactive client gets at once, and what waits', () => {
  const cases: [string, string, ReturnType<typeof csiDisposition>][] = [
    [
      'available presence waits, keyed by its sender',
      "<presence from='bob@localhost/desk'/>",
      { kind: 'hold', key: 'presence bob@localhost/desk' },
    ],
    [
      'unavailable presence waits under the same key',
      "<presence from='bob@localhost/desk' type='unavailable'/>",
      { kind: 'hold', key: 'presence bob@localhost/desk' },
    ],
    [
      'a subscription request goes at once',
      "<presence from='erin@localhost' type='subscribe'/>",
      { kind: 'send' },
    ],
    ['a presence error goes at once', "<presence from='bob@localhost' type='error'/>", { kind: 'send' }],
    [
      'a message with a body goes at once',
      "<message from='bob@localhost/desk' type='chat'><body>hi</body></message>",
      { kind: 'send' },
    ],
    [
      'a message error goes at once',
      "<message from='bob@localhost' type='error'><error type='cancel'/></message>",
      { kind: 'send' },
    ],
    [
      'a call proposal (XEP-0353) goes at once',
      "<message from='bob@localhost/desk'><propose xmlns='urn:xmpp:jingle-message:0' id='c1'/></message>",
      { kind: 'send' },
    ],
    [
      'a chat state waits, newest per sender',
      "<message from='bob@localhost/desk' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/><thread>t</thread></message>",
      { kind: 'hold', key: 'chat-state bob@localhost/desk' },
    ],
    [
      'a receipt waits, in order',
      "<message from='bob@localhost/desk'><received xmlns='urn:xmpp:receipts' id='m1'/></message>",
      { kind: 'hold', key: null },
    ],
    [
      'a receipt with a chat state is no mere chat state',
      "<message from='bob@localhost/desk'><active xmlns='http://jabber.org/protocol/chatstates'/><received xmlns='urn:xmpp:receipts' id='m1'/></message>",
      { kind: 'hold', key: null },
    ],
    [
      'a carbon of a message with a body goes at once',
      "<message from='alice@localhost'><sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' type='chat'><body>hi</body></message></forwarded></sent></message>",
      { kind: 'send' },
    ],
    [
      'a carbon of a chat state waits',
      "<message from='alice@localhost'><received xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'><message xmlns='jabber:client' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/></message></forwarded></received></message>",
      { kind: 'hold', key: null },
    ],
    ['an IQ goes at once', "<iq type='result' id='1'/>", { kind: 'send' }],
  ];
  for (const [name, xml, expected] of cases) {
    it(name, () => assert.deepEqual(csiDisposition(stanza(xml)), expected));
  }
});

describe('CsiQueue', () => {
  const setup = (maxHeld = 10) => {
    const out: string[] = [];
    const queue = new CsiQueue((s) => out.push(serialize(s, inStream)), maxHeld);
    const send = (xml: string) => queue.send(stanza(xml));
    return { out, queue, send };
  };
  const presence = (from: string, show?: string) =>
    `<presence from='${from}'>${show ? `<show>${show}</show>` : ''}</presence>`;

  it('passes everything through while active (§5: the stream begins active)', () => {
    const { out, queue, send } = setup();
    send(presence('bob@localhost/desk'));
    assert.equal(queue.isActive, true);
    assert.deepEqual(out, ["<presence from='bob@localhost/desk'/>"]);
  });

  it('while inactive holds presence, keeping only the newest per full JID; <active/> releases it', () => {
    const { out, queue, send } = setup();
    queue.inactive();
    send(presence('bob@localhost/desk', 'away'));
    send(presence('carol@localhost/pc'));
    send(presence('bob@localhost/desk', 'xa'));
    send(presence('bob@localhost/phone'));
    assert.deepEqual(out, []);
    assert.equal(queue.heldCount, 3);
    queue.active();
    assert.deepEqual(out, [
      "<presence from='carol@localhost/pc'/>",
      "<presence from='bob@localhost/desk'><show>xa</show></presence>",
      "<presence from='bob@localhost/phone'/>",
    ]);
    assert.equal(queue.heldCount, 0);
  });

  it('a message with a body goes at once, after what was held, so the order is kept', () => {
    const { out, queue, send } = setup();
    queue.inactive();
    send(presence('bob@localhost/desk', 'dnd'));
    send("<message from='bob@localhost/desk'><received xmlns='urn:xmpp:receipts' id='m1'/></message>");
    send("<message from='bob@localhost/desk' type='chat'><body>call me</body></message>");
    assert.deepEqual(out, [
      "<presence from='bob@localhost/desk'><show>dnd</show></presence>",
      "<message from='bob@localhost/desk'><received xmlns='urn:xmpp:receipts' id='m1'/></message>",
      "<message from='bob@localhost/desk' type='chat'><body>call me</body></message>",
    ]);
    assert.equal(queue.isActive, false, 'still inactive: later presence waits again');
    send(presence('bob@localhost/desk'));
    assert.equal(out.length, 3);
  });

  it('beyond maxHeld everything held is sent: bounded memory, nothing lost', () => {
    const { out, queue, send } = setup(2);
    queue.inactive();
    send(presence('a@localhost/1'));
    send(presence('b@localhost/1'));
    assert.equal(out.length, 0);
    send(presence('c@localhost/1'));
    assert.equal(out.length, 3);
    assert.equal(queue.heldCount, 0);
  });

  it('active() with nothing held sends nothing', () => {
    const { out, queue } = setup();
    queue.inactive();
    queue.active();
    assert.deepEqual(out, []);
  });
});
