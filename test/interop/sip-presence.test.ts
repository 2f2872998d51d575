/**
 * SIP SIMPLE presence with real peers (RFC 6665, RFC 3856, RFC 3903): a SIP watcher SUBSCRIBEs with
 * digest auth and waits pending until the owner approves it from an XMPP client; it then gets the
 * PIDF of the owner's PUBLISHed state in NOTIFYs, through refresh and removal; a blocked watcher
 * sees "closed". The SIP UAs are a small UDP UA written here.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import xml from '@xmpp/xml';
import { systemPrincipal } from '../../src/core/identity/principal.js';
import { UdpUa } from '../support/sip-udp-ua.js';
import { startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, Inbox, xmppJs } from '../support/xmpp-clients.js';

const DOMAIN = 'localhost';

const header = (text: string, name: string): string | undefined =>
  new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(text)?.[1]?.trim();

/** As baresip 1.0.0 PUBLISHes it (presence module, `pubint`). */
const baresipPidf = (user: string, basic: string, activity = '') =>
  `<?xml version="1.0" encoding="UTF-8"?>\r\n<presence xmlns="urn:ietf:params:xml:ns:pidf"\r\n xmlns:dm="urn:ietf:params:xml:ns:pidf:data-model"\r\n xmlns:rpid="urn:ietf:params:xml:ns:pidf:rpid"\r\n entity="sip:${user}@${DOMAIN}">\r\n<dm:person id="p1"><rpid:activities>${activity}</rpid:activities>${activity ? '<dm:note>in a call</dm:note>' : ''}</dm:person>\r\n<tuple id="t1">\r\n<status>\r\n<basic>${basic}</basic>\r\n</status>\r\n<contact>sip:${user}@127.0.0.1</contact>\r\n</tuple>\r\n</presence>\r\n`;

const PIDF = ['Event: presence', 'Content-Type: application/pidf+xml'];

describe('SIP presence: SUBSCRIBE/NOTIFY and PUBLISH (RFC 6665, 3856, 3903)', () => {
  let herald: TestServer;
  let port = 0;
  before(async () => {
    allowSelfSigned();
    herald = await startTestServer({ raw: { modules: { 'sip-events': { pendingRecheckMs: 200 } } } });
    port = herald.ports['sip-udp'] ?? 0;
    for (const username of ['pwatcher', 'powner', 'pblocked', 'xwatch', 'xowner', 'prestart'])
      await herald.server.accounts.addUser(systemPrincipal('test'), {
        username,
        password: `pw-${username}-secret`,
      });
  });
  after(() => herald.stop());

  it('refuses unknown events, short expiries and foreign PUBLISH', async () => {
    const ua = new UdpUa('pwatcher', 'pw-pwatcher-secret', port);
    await ua.start();
    try {
      const bad = await ua.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'c-bad' }, [
        'Event: no-such',
        'Expires: 600',
      ]);
      assert.equal(bad.status, 489);
      assert.match(header(bad.text, 'Allow-Events') ?? '', /presence/);
      const brief = await ua.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'c-brief' }, [
        'Event: presence',
        'Expires: 10',
      ]);
      assert.equal(brief.status, 423);
      assert.equal(header(brief.text, 'Min-Expires'), '60');
      const foreign = await ua.send(
        'PUBLISH',
        `sip:powner@${DOMAIN}`,
        { callId: 'p-foreign' },
        [...PIDF, 'Expires: 600'],
        baresipPidf('powner', 'open'),
      );
      assert.equal(foreign.status, 403);
      const unknownTag = await ua.send('PUBLISH', `sip:pwatcher@${DOMAIN}`, { callId: 'p-412' }, [
        'Event: presence',
        'SIP-If-Match: nope',
        'Expires: 600',
      ]);
      assert.equal(unknownTag.status, 412);
      const malformed = await ua.send(
        'PUBLISH',
        `sip:pwatcher@${DOMAIN}`,
        { callId: 'p-400' },
        [...PIDF, 'Expires: 600'],
        '<presence xmlns="urn:ietf:params:xml:ns:pidf"><tuple',
      );
      assert.equal(malformed.status, 400);
      const stale = await ua.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'c-gone', toTag: 'nope' }, [
        'Event: presence',
        'Expires: 600',
      ]);
      assert.equal(stale.status, 481);
    } finally {
      ua.close();
    }
  });

  it('an initial PUBLISH of the same tuples from the same address replaces the earlier one; other tuples stand beside it', async () => {
    const user = (await herald.server.store.accounts.findUserByName('prestart'))?.id;
    assert.ok(user);
    const ua = new UdpUa('prestart', 'pw-prestart-secret', port);
    await ua.start();
    const publish = async (callId: string, body: string, extra: string[] = []) => {
      const answer = await ua.send(
        'PUBLISH',
        `sip:prestart@${DOMAIN}`,
        { callId },
        [...PIDF, 'Expires: 600', ...extra],
        body,
      );
      return { status: answer.status, etag: header(answer.text, 'SIP-ETag') ?? '' };
    };
    const withTuple = (tuple: string, basic: string) =>
      baresipPidf('prestart', basic).replace('id="t1"', `id="${tuple}"`);
    try {
      // baresip 1.0 after two crossed first PUBLISHes: its "closed" comes without the entity-tag
      // of the "open" it made, from the same socket, for its one tuple.
      const open = await publish('x-open', baresipPidf('prestart', 'open'));
      assert.equal(open.status, 200);
      assert.equal(herald.server.presence.presenceOf(user).availability, 'available');
      const closed = await publish('x-closed', baresipPidf('prestart', 'closed'));
      assert.equal(closed.status, 200);
      assert.equal(herald.server.presence.presenceOf(user).availability, 'offline');
      // The replaced publication is gone: its entity-tag is unknown now (RFC 3903 §6 step 4).
      assert.equal(
        (
          await ua.send('PUBLISH', `sip:prestart@${DOMAIN}`, { callId: 'x-old' }, [
            'Event: presence',
            `SIP-If-Match: ${open.etag}`,
            'Expires: 600',
          ])
        ).status,
        412,
      );
      // Independent publications multiplexed over one socket (as SIPp's calls are) name their
      // tuples apart: each stays, and each is refreshed by its own entity-tag.
      const a = await publish('x-a', withTuple('ta', 'open'));
      const b = await publish('x-b', withTuple('tb', 'open'));
      assert.deepEqual([a.status, b.status], [200, 200]);
      for (const etag of [a.etag, b.etag])
        assert.equal(
          (
            await ua.send('PUBLISH', `sip:prestart@${DOMAIN}`, { callId: `x-r-${etag}` }, [
              'Event: presence',
              `SIP-If-Match: ${etag}`,
              'Expires: 600',
            ])
          ).status,
          200,
        );
      assert.equal(herald.server.presence.presenceOf(user).availability, 'available');
    } finally {
      ua.close();
    }
  });

  it('pending until the owner approves on XMPP, then NOTIFYs follow PUBLISH, refresh, removal and unsubscribe', async () => {
    const watcher = new UdpUa('pwatcher', 'pw-pwatcher-secret', port);
    const owner = new UdpUa('powner', 'pw-powner-secret', port);
    await watcher.start();
    await owner.start();
    try {
      const sub = await watcher.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'sub-1' }, [
        'Event: presence',
        'Accept: application/pidf+xml',
        'Expires: 600',
      ]);
      assert.equal(sub.status, 200);
      assert.equal(header(sub.text, 'Expires'), '600');
      const toTag = /^To:.*;tag=([^;\s]+)/im.exec(sub.text)?.[1] ?? '';
      assert.ok(toTag);
      const pending = await watcher.waitForNotify((n) => /Subscription-State: pending/i.test(n), 'pending');
      assert.doesNotMatch(pending, /<presence/);

      // The owner's XMPP client logs in and finds the SIP watcher's request waiting (RFC 6121 §3.1.3).
      const client = await xmppJs({
        service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
        username: 'powner',
        password: 'pw-powner-secret',
        resource: 'desk',
      });
      const inbox = new Inbox(client);
      try {
        await client.send(xml('presence', {}));
        const request = await inbox.take(
          (s) => s.name === 'presence' && s.attrs.type === 'subscribe',
          'the subscription request',
        );
        assert.equal(request.attrs.from, 'pwatcher@localhost');
        const published = await owner.send(
          'PUBLISH',
          `sip:powner@${DOMAIN}`,
          { callId: 'pub-1' },
          [...PIDF, 'Expires: 600'],
          baresipPidf('powner', 'open'),
        );
        assert.equal(published.status, 200);
        const etag = header(published.text, 'SIP-ETag') ?? '';
        assert.ok(etag);
        await client.send(xml('presence', { to: 'pwatcher@localhost', type: 'subscribed' }));
        const active = await watcher.waitForNotify(
          (n) => /Subscription-State: active/i.test(n) && /<basic>open<\/basic>/.test(n),
          'active open',
        );
        assert.match(active, /Content-Type: application\/pidf\+xml/i);
        assert.match(active, /entity=['"]sip:powner@localhost['"]/);

        // Modify: on the phone, with a note → the watcher sees the RPID activity.
        const modified = await owner.send(
          'PUBLISH',
          `sip:powner@${DOMAIN}`,
          { callId: 'pub-1' },
          [...PIDF, `SIP-If-Match: ${etag}`, 'Expires: 600'],
          baresipPidf('powner', 'open', '<rpid:on-the-phone/>'),
        );
        assert.equal(modified.status, 200);
        const etag2 = header(modified.text, 'SIP-ETag') ?? '';
        assert.notEqual(etag2, etag);
        const busy = await watcher.waitForNotify(
          (n) => /<rpid:busy\/>/.test(n) && /in a call/.test(n),
          'busy',
        );
        assert.match(busy, /<basic>open<\/basic>/);
        // Refresh without a body keeps the state; the old tag no longer matches.
        const refreshed = await owner.send('PUBLISH', `sip:powner@${DOMAIN}`, { callId: 'pub-1' }, [
          'Event: presence',
          `SIP-If-Match: ${etag2}`,
          'Expires: 600',
        ]);
        assert.equal(refreshed.status, 200);
        const etag3 = header(refreshed.text, 'SIP-ETag') ?? '';
        assert.equal(
          (
            await owner.send('PUBLISH', `sip:powner@${DOMAIN}`, { callId: 'pub-1' }, [
              'Event: presence',
              `SIP-If-Match: ${etag}`,
              'Expires: 600',
            ])
          ).status,
          412,
        );
        // Removal: the publication goes, the XMPP client (if presence flows through the engine) remains.
        const removed = await owner.send('PUBLISH', `sip:powner@${DOMAIN}`, { callId: 'pub-1' }, [
          'Event: presence',
          `SIP-If-Match: ${etag3}`,
          'Expires: 0',
        ]);
        assert.equal(removed.status, 200);
        await watcher.waitForNotify(
          (n) => /Subscription-State: active/i.test(n) && !/<rpid:busy\/>/.test(n),
          'after removal',
        );

        // Refresh the subscription in the dialog, then unsubscribe: a final NOTIFY terminated.
        const refresh = await watcher.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'sub-1', toTag }, [
          'Event: presence',
          'Expires: 300',
        ]);
        assert.equal(refresh.status, 200);
        await watcher.waitForNotify(
          (n) => /Subscription-State: active;expires=(300|299)/i.test(n),
          'refreshed',
        );
        const unsub = await watcher.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'sub-1', toTag }, [
          'Event: presence',
          'Expires: 0',
        ]);
        assert.equal(unsub.status, 200);
        await watcher.waitForNotify((n) => /Subscription-State: terminated/i.test(n), 'terminated');
      } finally {
        await client.stop().catch(() => {});
      }
    } finally {
      watcher.close();
      owner.close();
    }
  });

  it('message-summary (RFC 3842): a user watches their own mailbox only; counts reach the phone', async () => {
    const phone = new UdpUa('powner', 'pw-powner-secret', port);
    const stranger = new UdpUa('pwatcher', 'pw-pwatcher-secret', port);
    await phone.start();
    await stranger.start();
    const owner = await herald.server.store.accounts.findUserByName('powner');
    assert.ok(owner);
    const MWI = ['Event: message-summary', 'Accept: application/simple-message-summary', 'Expires: 600'];
    try {
      const refused = await stranger.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'mwi-x' }, MWI);
      assert.equal(refused.status, 403);
      const sub = await phone.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'mwi-1' }, MWI);
      assert.equal(sub.status, 200);
      const first = await phone.waitForNotify((n) => /^Event: message-summary/im.test(n), 'the summary');
      assert.match(first, /Subscription-State: active/i);
      assert.match(first, /Content-Type: application\/simple-message-summary/i);
      assert.match(first, /Messages-Waiting: no\r\nMessage-Account: sip:powner@localhost/);
      // A mailbox (voicemail, later) sets the counts: the lamp lights.
      herald.server.messageWaiting.set(owner.id, 'voice', {
        newCount: 2,
        oldCount: 8,
        newUrgent: 0,
        oldUrgent: 2,
      });
      const lit = await phone.waitForNotify((n) => /Messages-Waiting: yes/.test(n), 'the lamp on');
      assert.match(lit, /Voice-Message: 2\/8 \(0\/2\)/);
      herald.server.messageWaiting.set(owner.id, 'voice', {
        newCount: 0,
        oldCount: 10,
        newUrgent: 0,
        oldUrgent: 0,
      });
      await phone.waitForNotify(
        (n) => /Messages-Waiting: no[\s\S]*Voice-Message: 0\/10/.test(n),
        'the lamp off',
      );
    } finally {
      phone.close();
      stranger.close();
    }
  });

  it('a blocked watcher is active but sees closed', async () => {
    const blocked = new UdpUa('pblocked', 'pw-pblocked-secret', port);
    const owner = new UdpUa('powner', 'pw-powner-secret', port);
    await blocked.start();
    await owner.start();
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
      username: 'powner',
      password: 'pw-powner-secret',
      resource: 'phone',
    });
    try {
      await client.iqCaller.request(
        xml(
          'iq',
          { type: 'set', id: 'b1' },
          xml('block', { xmlns: 'urn:xmpp:blocking' }, xml('item', { jid: 'pblocked@localhost' })),
        ),
      );
      assert.equal(
        (
          await owner.send(
            'PUBLISH',
            `sip:powner@${DOMAIN}`,
            { callId: 'pub-b' },
            [...PIDF, 'Expires: 600'],
            baresipPidf('powner', 'open'),
          )
        ).status,
        200,
      );
      const sub = await blocked.send('SUBSCRIBE', `sip:powner@${DOMAIN}`, { callId: 'sub-b' }, [
        'Event: presence',
        'Expires: 600',
      ]);
      assert.equal(sub.status, 200);
      const notify = await blocked.waitForNotify((n) => /Subscription-State: active/i.test(n), 'active');
      assert.match(notify, /<basic>closed<\/basic>/);
    } finally {
      await client.stop().catch(() => {});
      blocked.close();
      owner.close();
    }
  });

  it('an XMPP client’s presence reaches the SIP watcher’s NOTIFY (through the PresenceService)', async () => {
    const watcher = new UdpUa('xwatch', 'pw-xwatch-secret', port);
    await watcher.start();
    try {
      const sub = await watcher.send('SUBSCRIBE', `sip:xowner@${DOMAIN}`, { callId: 'sub-x' }, [
        'Event: presence',
        'Expires: 600',
      ]);
      assert.equal(sub.status, 200);
      await watcher.waitForNotify((n) => /Subscription-State: pending/i.test(n), 'pending');
      const client = await xmppJs({
        service: `xmpp://127.0.0.1:${herald.ports.xmpp}`,
        username: 'xowner',
        password: 'pw-xowner-secret',
        resource: 'laptop',
      });
      const inbox = new Inbox(client);
      try {
        await client.send(xml('presence', {}));
        await inbox.take((s) => s.name === 'presence' && s.attrs.type === 'subscribe', 'the request');
        await client.send(xml('presence', { to: 'xwatch@localhost', type: 'subscribed' }));
        await watcher.waitForNotify(
          (n) => /Subscription-State: active/i.test(n) && /<basic>open<\/basic>/.test(n),
          'open from the XMPP client',
        );
        await client.send(xml('presence', {}, xml('show', {}, 'dnd'), xml('status', {}, 'writing')));
        const busy = await watcher.waitForNotify((n) => /<rpid:busy\/>/.test(n), 'dnd as busy');
        assert.match(busy, /<dm:note>writing<\/dm:note>/);
        await client.send(xml('presence', { type: 'unavailable' }));
        await watcher.waitForNotify((n) => /<basic>closed<\/basic>/.test(n), 'closed when the client leaves');
      } finally {
        await client.stop().catch(() => {});
      }
    } finally {
      watcher.close();
    }
  });

  it('expires a subscription by the timer (reason=timeout) and ends it on a 481 to NOTIFY', async () => {
    const short = await startTestServer({ raw: { modules: { 'sip-events': { minExpires: 1 } } } });
    await short.server.accounts.addUser(systemPrincipal('test'), {
      username: 'pself',
      password: 'pw-pself-secret',
    });
    const ua = new UdpUa('pself', 'pw-pself-secret', short.ports['sip-udp'] ?? 0);
    await ua.start();
    try {
      const sub = await ua.send('SUBSCRIBE', `sip:pself@${DOMAIN}`, { callId: 'sub-t' }, [
        'Event: presence',
        'Expires: 1',
      ]);
      assert.equal(sub.status, 200);
      await ua.waitForNotify((n) => /Subscription-State: active;expires=1/i.test(n), 'active (self)');
      await ua.waitForNotify(
        (n) => /Subscription-State: terminated;reason=timeout/i.test(n),
        'timeout',
        4000,
      );

      const second = await ua.send('SUBSCRIBE', `sip:pself@${DOMAIN}`, { callId: 'sub-481' }, [
        'Event: presence',
        'Expires: 600',
      ]);
      const toTag = /^To:.*;tag=([^;\s]+)/im.exec(second.text)?.[1] ?? '';
      await ua.waitForNotify((n) => /Subscription-State: active/i.test(n), 'active again');
      ua.notifyStatus = 481;
      const pidf = baresipPidf('pself', 'open');
      assert.equal(
        (
          await ua.send(
            'PUBLISH',
            `sip:pself@${DOMAIN}`,
            { callId: 'pub-481' },
            [...PIDF, 'Expires: 600'],
            pidf,
          )
        ).status,
        200,
      );
      await ua.waitForNotify((n) => /<basic>open<\/basic>/.test(n), 'the NOTIFY answered 481');
      // RFC 6665 §4.2.2: the subscription is gone; a refresh in its dialog is 481 too.
      const deadline = Date.now() + 3000;
      let refresh = await ua.send('SUBSCRIBE', `sip:pself@${DOMAIN}`, { callId: 'sub-481', toTag }, [
        'Event: presence',
        'Expires: 600',
      ]);
      while (refresh.status !== 481 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        refresh = await ua.send('SUBSCRIBE', `sip:pself@${DOMAIN}`, { callId: 'sub-481', toTag }, [
          'Event: presence',
          'Expires: 600',
        ]);
      }
      assert.equal(refresh.status, 481);
    } finally {
      ua.close();
      await short.stop();
    }
  });
});
