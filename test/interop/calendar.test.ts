/**
 * SPEC I1 with real servers: carol's calendar — an .ics feed served over HTTP, then a CalDAV
 * collection on Radicale (RFC 4791, Basic auth) — makes her in-a-meeting for alice's xmpp.js
 * client within a bounded wait; free (transparent) events do not; removing the calendar ends it.
 * Radicale is Debian's `radicale`; without it the CalDAV part is skipped, except under CI=true.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import type { XmlElement } from '@xmpp/xml';
import { runCli } from '../../src/main/cli.js';
import { freePort } from '../support/free-port.js';
import { basic, call, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { allowSelfSigned, XmppCast } from '../support/xmpp-clients.js';

const NS_DETAIL = 'urn:xmpp:herald:presence:0';
const RADICALE = '/usr/bin/radicale';
const carolAuth = basic('carol', DEMO_PASSWORD);
const composed = (from: string, availability: string) => (s: XmlElement) =>
  s.name === 'presence' &&
  s.attrs.from === from &&
  s.getChild('presence-detail', NS_DETAIL)?.attrs.availability === availability;

/** iCalendar UTC form: 20261201T100000Z. */
const icalTime = (t: number) => `${new Date(t).toISOString().replace(/[-:]/g, '').slice(0, 15)}Z`;
function calendar(
  events: { uid: string; start: number; end: number; summary: string; transparent?: boolean }[],
) {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Herald tests//EN',
    ...events.flatMap((e) => [
      'BEGIN:VEVENT',
      `UID:${e.uid}`,
      `DTSTAMP:${icalTime(Date.now())}`,
      `DTSTART:${icalTime(e.start)}`,
      `DTEND:${icalTime(e.end)}`,
      `SUMMARY:${e.summary}`,
      ...(e.transparent ? ['TRANSP:TRANSPARENT'] : []),
      'END:VEVENT',
    ]),
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

describe('calendar sources with real servers (SPEC I1)', () => {
  let herald: TestServer;
  let feed: Server;
  let feedBody = '';
  let feedRequests = 0;
  const cast = new XmppCast(() => herald.ports.xmpp ?? 0);

  before(async () => {
    allowSelfSigned();
    herald = await startTestServer();
    feed = createServer((request, response) => {
      feedRequests += 1;
      if (request.url !== '/carol.ics') return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/calendar' }).end(feedBody);
    });
    await new Promise<void>((resolve) => feed.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    await cast.stopAll();
    await herald.stop();
    await new Promise((resolve) => feed.close(resolve));
  });

  it('an .ics feed: a busy event now makes carol in-a-meeting for alice; a free one does not', async () => {
    const now = Date.now();
    feedBody = calendar([
      { uid: 'free', start: now - 60_000, end: now + 3_600_000, summary: 'Focus time', transparent: true },
    ]);
    const carol = await cast.login('carol', 'laptop');
    const alice = await cast.login('alice', 'cal-watch');
    await alice.inbox.take(composed('carol@localhost/laptop', 'available'), 'carol available');
    const url = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/carol.ics`;
    const set = await call(herald.http, 'PUT', '/api/v1/me/calendar', {
      authorization: carolAuth,
      body: { url },
    });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.deepEqual(set.body, { url, hasCredentials: false });
    assert.ok(feedRequests >= 1, 'read at once');
    // Transparent: still available (the feed was read before the answer).
    const free = await call(herald.http, 'GET', '/api/v1/presence/carol', {
      authorization: basic('alice', DEMO_PASSWORD),
    });
    assert.equal(free.body.availability, 'available');

    feedBody = calendar([
      { uid: 'free', start: now - 60_000, end: now + 3_600_000, summary: 'Focus time', transparent: true },
      { uid: 'review', start: now - 60_000, end: now + 3_600_000, summary: 'Design review' },
    ]);
    // A new source (the same URL again) is read at once.
    await call(herald.http, 'PUT', '/api/v1/me/calendar', { authorization: carolAuth, body: { url } });
    const p = await alice.inbox.take(
      composed('carol@localhost/laptop', 'in-a-meeting'),
      'carol in a meeting',
      5000,
    );
    assert.equal(p.getChildText('show'), 'away');
    assert.equal(p.getChildText('status'), 'Design review');
    assert.equal(p.getChild('presence-detail', NS_DETAIL)?.attrs.source, 'calendar');
    const rest = await call(herald.http, 'GET', '/api/v1/presence/carol', {
      authorization: basic('alice', DEMO_PASSWORD),
    });
    assert.equal(rest.body.availability, 'in-a-meeting');
    assert.equal(
      (await call(herald.http, 'DELETE', '/api/v1/me/calendar', { authorization: carolAuth })).status,
      204,
    );
    await alice.inbox.take(composed('carol@localhost/laptop', 'available'), 'meeting gone');
    void carol;
    await cast.stopAll();
  });

  it('the operator sets a calendar with `herald calendar set`; the password is never shown', async () => {
    const lines: string[] = [];
    const out = { line: (t: string) => lines.push(t), error: (t: string) => lines.push(t) };
    const env = { HERALD_DATA_DIR: herald.dataDir };
    const url = 'https://cal.example.org/dav/carol/work/';
    assert.equal(
      await runCli(
        ['calendar', 'set', 'carol', url, '--username', 'carol', '--password', 'very-secret'],
        env,
        out,
      ),
      0,
      lines.join('\n'),
    );
    assert.equal(await runCli(['calendar', 'show', 'carol'], env, out), 0);
    assert.ok(!lines.join('\n').includes('very-secret'), lines.join('\n'));
    assert.ok(
      lines.some((l) => l.includes(`${url} (with credentials)`)),
      lines.join('\n'),
    );
    const carol = await herald.server.store.accounts.findUserByName('carol');
    const stored = await herald.server.store.presence.calendarSource(carol?.id as never);
    assert.equal(stored?.password, 'very-secret');
    assert.notEqual(await runCli(['calendar', 'set', 'carol', 'ftp://x/y'], env, out), 0);
    assert.equal(await runCli(['calendar', 'clear', 'carol'], env, out), 0);
    assert.equal(await herald.server.store.presence.calendarSource(carol?.id as never), undefined);
  });

  it('a CalDAV collection on Radicale, with Basic auth: in-a-meeting from a calendar-query', async (t) => {
    if (!existsSync(RADICALE)) {
      if (process.env.CI === 'true') assert.fail(`${RADICALE} is required under CI (apt install radicale)`);
      t.skip(`${RADICALE} is not installed (apt install radicale)`);
      return;
    }
    const dir = mkdtempSync(join(tmpdir(), 'herald-radicale-'));
    const port = await freePort();
    writeFileSync(join(dir, 'users'), 'carol:cal-secret\n');
    writeFileSync(join(dir, 'config'), '');
    const radicale: ChildProcess = spawn(
      RADICALE,
      [
        '--config',
        join(dir, 'config'),
        '--server-hosts',
        `127.0.0.1:${port}`,
        '--storage-filesystem-folder',
        join(dir, 'collections'),
        '--auth-type',
        'htpasswd',
        '--auth-htpasswd-filename',
        join(dir, 'users'),
        '--auth-htpasswd-encryption',
        'plain',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    radicale.stderr?.on('data', (d) => {
      stderr += String(d);
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      const auth = { authorization: `Basic ${Buffer.from('carol:cal-secret').toString('base64')}` };
      for (let i = 0; ; i++) {
        const up = await fetch(`${base}/.web/`).then(
          (r) => r.status > 0,
          () => false,
        );
        if (up) break;
        if (i > 100) assert.fail(`radicale did not start: ${stderr}`);
        await sleep(50);
      }
      const collection = `${base}/carol/work/`;
      const made = await fetch(collection, {
        method: 'MKCOL',
        headers: {
          ...auth,
          'content-type': 'application/xml',
        },
        body: `<?xml version="1.0"?><mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><set><prop><resourcetype><collection/><C:calendar/></resourcetype></prop></set></mkcol>`,
      });
      assert.ok(made.status === 201, `MKCOL ${made.status}: ${await made.text()}`);
      const now = Date.now();
      const put = await fetch(`${collection}standup.ics`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'text/calendar' },
        body: calendar([{ uid: 'standup', start: now - 60_000, end: now + 1_800_000, summary: 'Stand-up' }]),
      });
      assert.equal(put.status, 201, await put.text());
      const other = await fetch(`${collection}later.ics`, {
        method: 'PUT',
        headers: { ...auth, 'content-type': 'text/calendar' },
        body: calendar([
          { uid: 'later', start: now + 3 * 86_400_000, end: now + 3 * 86_400_000 + 60_000, summary: 'Later' },
        ]),
      });
      assert.equal(other.status, 201);

      const carol = await cast.login('carol', 'dav');
      const alice = await cast.login('alice', 'dav-watch');
      await alice.inbox.take(composed('carol@localhost/dav', 'available'), 'carol available');
      // The credentials are kept for the CalDAV requests, never echoed back.
      const set = await call(herald.http, 'PUT', '/api/v1/me/calendar', {
        authorization: carolAuth,
        body: { url: collection, username: 'carol', password: 'cal-secret' },
      });
      assert.equal(set.status, 200);
      assert.deepEqual(set.body, { url: collection, hasCredentials: true });
      assert.ok(!JSON.stringify(set.body).includes('cal-secret'));
      const p = await alice.inbox.take(
        composed('carol@localhost/dav', 'in-a-meeting'),
        'carol in stand-up',
        8000,
      );
      assert.equal(p.getChildText('status'), 'Stand-up');
      void carol;
      await call(herald.http, 'DELETE', '/api/v1/me/calendar', { authorization: carolAuth });
      await alice.inbox.take(composed('carol@localhost/dav', 'available'), 'stand-up gone');
    } finally {
      await cast.stopAll();
      radicale.kill('SIGTERM');
      await new Promise((resolve) =>
        radicale.exitCode !== null ? resolve(null) : radicale.once('exit', resolve),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
