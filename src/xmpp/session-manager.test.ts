import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { BareJid, Jid } from '../core/address/jid.js';
import type { UserRecord } from '../core/ports.js';
import { el } from '../xml/index.js';
import { XmppSessionManager } from './session-manager.js';
import type { XmppSession } from './xmpp-session.js';

/** A bound session of `bare`/`resource`: available once it sent presence. */
function session(bare: string, resource: string, available: boolean): XmppSession {
  return {
    id: `${bare}/${resource}`,
    user: {} as UserRecord,
    bare: bare as BareJid,
    jid: `${bare}/${resource}` as Jid,
    resource,
    remoteAddress: '127.0.0.1',
    send: () => undefined,
    close: () => undefined,
    presence: {
      current: available ? el('presence') : null,
      priority: 0,
      isInterested: true,
      directedTo: new Set(),
    },
    state: new Map(),
  };
}

describe('XmppSessionManager.available (who a presence broadcast reaches)', () => {
  it('holds the accounts with at least one available session, read in place', () => {
    const sessions = new XmppSessionManager({ maxResourcesPerUser: 10 });
    const romeoPhone = session('romeo@localhost', 'phone', false);
    sessions.bind(romeoPhone);
    sessions.bind(session('juliet@localhost', 'balcony', true));
    const available = sessions.available;
    assert.equal(available.has('juliet@localhost' as BareJid), true);
    assert.equal(available.has('romeo@localhost' as BareJid), false, 'bound, no presence sent yet');
    assert.equal(available.has('nurse@localhost' as BareJid), false);
    assert.deepEqual([...available.list()], ['juliet@localhost']);
    // The same view sees later changes: a second resource that is available.
    sessions.bind(session('romeo@localhost', 'laptop', true));
    assert.equal(available.has('romeo@localhost' as BareJid), true);
    assert.deepEqual([...available.list()].sort(), ['juliet@localhost', 'romeo@localhost']);
    // `size` bounds what `list` gives: every account with a session.
    assert.ok(available.size >= [...available.list()].length);
    sessions.unbind(romeoPhone);
    assert.equal(available.has('romeo@localhost' as BareJid), true, 'the laptop is still there');
  });

  it('lists an account once however many of its resources are available', () => {
    const sessions = new XmppSessionManager({ maxResourcesPerUser: 10 });
    sessions.bind(session('juliet@localhost', 'a', true));
    sessions.bind(session('juliet@localhost', 'b', true));
    assert.deepEqual([...sessions.available.list()], ['juliet@localhost']);
  });
});
