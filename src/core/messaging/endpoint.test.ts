import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isHeraldError } from '../../kernel/errors.js';
import { parseJid } from '../address/jid.js';
import { asUserId } from '../ports.js';
import { receivesBareMessages, xmppEndpoint } from './endpoint.js';

const userId = asUserId('u-juliet');
const jid = parseJid('Juliet@Capulet.lit/Balcony')!;

describe('endpoint', () => {
  it('an XMPP endpoint is its full JID; a negative priority opts out of bare chats', () => {
    assert.deepEqual(xmppEndpoint({ userId, jid, priority: -1, isAvailable: true }), {
      id: 'juliet@capulet.lit/Balcony',
      userId,
      address: 'juliet@capulet.lit',
      protocol: 'xmpp',
      resource: 'Balcony',
      priority: -1,
      isAvailable: true,
      isInterested: false,
    });
    assert.equal(
      xmppEndpoint({ userId, jid, isAvailable: false }).priority,
      0,
      'RFC 6121 §4.7.2.3: absent = 0',
    );
  });

  it('refuses a bare JID', () => {
    assert.throws(
      () => xmppEndpoint({ userId, jid: parseJid('juliet@capulet.lit')!, isAvailable: true }),
      (error) => isHeraldError(error, 'HERALD_ERR_VALIDATION'),
    );
  });

  it('RFC 6121 §8.5.2.1.1: who gets messages sent to the bare JID', () => {
    const endpoint = (priority: number, isAvailable: boolean, isInterested?: boolean) =>
      xmppEndpoint({ userId, jid, priority, isAvailable, isInterested });
    const rows = [
      { endpoint: endpoint(0, true), chat: true, headline: true },
      { endpoint: endpoint(-1, true), chat: false, headline: false },
      { endpoint: endpoint(5, false), chat: false, headline: false },
      { endpoint: endpoint(5, true, false), chat: false, headline: true },
    ];
    for (const row of rows) {
      assert.equal(receivesBareMessages(row.endpoint, 'chat'), row.chat, JSON.stringify(row.endpoint));
      assert.equal(receivesBareMessages(row.endpoint, 'normal'), row.chat);
      assert.equal(receivesBareMessages(row.endpoint, 'headline'), row.headline);
    }
  });
});
