/**
 * SPEC M7 end to end: real xmpp.js clients against an in-process Herald whose compliance sink is
 * the real PostgreSQL (a throw-away database), an unreachable one (fail closed), or an HTTP webhook
 * that is down and then comes up (the durable queue drains). docs/compliance.md.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { type AddressInfo, connect, createServer as createNetServer } from 'node:net';
import { after, before, describe, it } from 'node:test';
import xmlElement from '@xmpp/xml';
import pg from 'pg';
import {
  type PostgresTestDatabase,
  postgresSkipReason,
  postgresTestDatabase,
} from '../../support/postgres.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';
import { allowSelfSigned, isMessage, XmppCast } from '../../support/xmpp-clients.js';

allowSelfSigned();

const send = (from: { client: { send(el: unknown): Promise<void> } }, to: string, body: string, id: string) =>
  from.client.send(xmlElement('message', { to, type: 'chat', id }, xmlElement('body', {}, body)));

/** A port nothing listens on (bound, then closed). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function until(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A webhook receiver on `port` that keeps what it was sent. */
async function webhookReceiver(port = 0): Promise<{ server: Server; port: number; bodies: unknown[] }> {
  const bodies: unknown[] = [];
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      assert.equal(request.method, 'POST');
      assert.equal(request.headers['content-type'], 'application/json');
      bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port, bodies };
}

const closeServer = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('compliance archive with PostgreSQL (SPEC M7)', async () => {
  const skip = await postgresSkipReason();
  let database: PostgresTestDatabase;
  let herald: TestServer;
  let cast: XmppCast;

  before(async () => {
    if (skip) return;
    database = await postgresTestDatabase();
    herald = await startTestServer({
      raw: { compliance: { sink: 'postgres', url: database.url, required: true, timeoutMs: 3000 } },
    });
    cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  });
  after(async () => {
    if (skip) return;
    await cast?.stopAll();
    await herald?.stop();
    await database?.drop();
  });

  it('writes each message as a row of the versioned herald_compliance schema', { skip }, async () => {
    const alice = await cast.login('alice', 'pc');
    const bob = await cast.login('bob', 'phone');
    await send(alice, 'bob@localhost', 'quarterly numbers attached', 'pg-1');
    await bob.inbox.take(isMessage('quarterly numbers attached'), 'bob gets the message');
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const versions = await client.query('select version from herald_compliance.schema_version');
      assert.deepEqual(versions.rows, [{ version: 1 }]);
      const { rows } = await client.query(
        'select protocol, sender, recipients, room, body, original, at from herald_compliance.messages',
      );
      assert.equal(rows.length, 1);
      const [row] = rows;
      assert.equal(row.protocol, 'xmpp');
      assert.equal(row.sender, 'alice@localhost');
      assert.deepEqual(row.recipients, ['bob@localhost']);
      assert.equal(row.room, null);
      assert.equal(row.body, 'quarterly numbers attached');
      assert.match(row.original, /<message[^>]*id=['"]pg-1['"]/);
      assert.ok(row.at instanceof Date && Math.abs(row.at.getTime() - Date.now()) < 60_000);
    } finally {
      await client.end();
    }
  });
});

describe('compliance.required: false with PostgreSQL down, then back (SPEC M7)', async () => {
  const skip = await postgresSkipReason();

  it('delivers, queues in compliance_queue, and drains into the database once it is reachable', {
    skip,
  }, async () => {
    const database = await postgresTestDatabase();
    const real = new URL(database.url);
    // The sink reaches PostgreSQL through a port that first has nothing on it, then forwards.
    const port = await freePort();
    const url = new URL(database.url);
    url.hostname = '127.0.0.1';
    url.port = String(port);
    const herald = await startTestServer({
      raw: {
        compliance: {
          sink: 'postgres',
          url: url.toString(),
          required: false,
          timeoutMs: 1000,
          retryMaxMs: 400,
        },
      },
    });
    const local = new XmppCast(() => herald.ports.xmpp ?? 0);
    const forwarder = createNetServer((socket) => {
      const upstream = connect(Number(real.port || 5432), real.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    try {
      const alice = await local.login('alice', 'pc');
      const bob = await local.login('bob', 'phone');
      await send(alice, 'bob@localhost', 'while the database is down', 'pgq-1');
      await bob.inbox.take(isMessage('while the database is down'), 'bob gets it anyway');
      assert.equal(await herald.server.store.complianceQueue.count(), 1);
      await new Promise<void>((resolve) => forwarder.listen(port, '127.0.0.1', resolve));
      await until(
        async () => (await herald.server.store.complianceQueue.count()) === 0,
        15_000,
        'queue drains',
      );
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        const { rows } = await client.query('select sender, body from herald_compliance.messages');
        assert.deepEqual(rows, [{ sender: 'alice@localhost', body: 'while the database is down' }]);
      } finally {
        await client.end();
      }
    } finally {
      await local.stopAll();
      await herald.stop();
      await new Promise<void>((resolve) => forwarder.close(() => resolve()));
      await database.drop();
    }
  });
});

describe('compliance.required: true with an unreachable sink', () => {
  let herald: TestServer;
  let cast: XmppCast;

  before(async () => {
    const port = await freePort();
    herald = await startTestServer({
      raw: {
        compliance: {
          sink: 'postgres',
          url: `postgres://herald:secret-pw@127.0.0.1:${port}/nothing`,
          required: true,
          timeoutMs: 1000,
        },
      },
    });
    cast = new XmppCast(() => herald.ports.xmpp ?? 0);
  });
  after(async () => {
    await cast?.stopAll();
    await herald?.stop();
  });

  it('refuses the message with service-unavailable; the recipient gets nothing', async () => {
    const alice = await cast.login('alice', 'pc');
    const bob = await cast.login('bob', 'phone');
    await send(alice, 'bob@localhost', 'must not go', 'closed-1');
    const error = await alice.inbox.take(
      (s) => s.name === 'message' && s.attrs.type === 'error' && s.attrs.id === 'closed-1',
      'alice gets an error',
    );
    const condition = error.getChild('error');
    assert.equal(condition?.attrs.type, 'cancel');
    assert.ok(condition?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'));
    assert.equal(
      condition?.getChildText('text', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
      'compliance archive unavailable; message not accepted',
    );
    assert.equal(await bob.inbox.arrives(isMessage('must not go'), 500), false);
    assert.equal(await herald.server.store.offline.count(await bobId(herald)), 0);
    assert.equal(await herald.server.store.complianceQueue.count(), 0);
  });
});

async function bobId(herald: TestServer) {
  const bob = await herald.server.store.accounts.findUserByName('bob');
  assert.ok(bob);
  return bob.id;
}

describe('compliance webhook', () => {
  let cast: XmppCast;
  before(() => {
    cast = new XmppCast(() => 0);
  });
  after(async () => {
    await cast.stopAll();
  });

  it('POSTs each message as JSON', async () => {
    const receiver = await webhookReceiver();
    const herald = await startTestServer({
      raw: {
        compliance: { sink: 'webhook', url: `http://127.0.0.1:${receiver.port}/hook`, required: true },
      },
    });
    const local = new XmppCast(() => herald.ports.xmpp ?? 0);
    try {
      const alice = await local.login('alice', 'pc');
      const bob = await local.login('bob', 'phone');
      await send(alice, 'bob@localhost', 'hello over the hook', 'hook-1');
      await bob.inbox.take(isMessage('hello over the hook'), 'bob gets the message');
      assert.equal(receiver.bodies.length, 1);
      const body = receiver.bodies[0] as Record<string, unknown>;
      assert.equal(body.version, 1);
      assert.equal(body.protocol, 'xmpp');
      assert.equal(body.sender, 'alice@localhost');
      assert.deepEqual(body.recipients, ['bob@localhost']);
      assert.equal(body.room, null);
      assert.equal(body.body, 'hello over the hook');
      assert.equal(typeof body.id, 'string');
      assert.ok(!Number.isNaN(Date.parse(String(body.at))));
      assert.match(String(body.original), /hello over the hook/);
    } finally {
      await local.stopAll();
      await herald.stop();
      await closeServer(receiver.server);
    }
  });

  it('required: false — delivered while the hook is down, queued, then drained when it returns', async () => {
    const port = await freePort();
    const herald = await startTestServer({
      raw: {
        compliance: {
          sink: 'webhook',
          url: `http://127.0.0.1:${port}/hook`,
          required: false,
          timeoutMs: 1000,
          retryMaxMs: 400,
        },
      },
    });
    const local = new XmppCast(() => herald.ports.xmpp ?? 0);
    let receiver: Awaited<ReturnType<typeof webhookReceiver>> | undefined;
    try {
      const alice = await local.login('alice', 'pc');
      const bob = await local.login('bob', 'phone');
      for (const n of [1, 2, 3]) {
        await send(alice, 'bob@localhost', `queued ${n}`, `q-${n}`);
        await bob.inbox.take(isMessage(`queued ${n}`), `bob gets message ${n}`);
      }
      assert.equal(await herald.server.store.complianceQueue.count(), 3);
      assert.equal(await alice.inbox.arrives((s) => s.attrs.type === 'error', 200), false);
      receiver = await webhookReceiver(port);
      await until(
        async () => (await herald.server.store.complianceQueue.count()) === 0,
        15_000,
        'queue drains',
      );
      const bodies = receiver.bodies.map((b) => (b as { body: string }).body).sort();
      assert.deepEqual(bodies, ['queued 1', 'queued 2', 'queued 3']);
    } finally {
      await local.stopAll();
      await herald.stop();
      if (receiver) await closeServer(receiver.server);
    }
  });
});

/** alice opens an instant room on conference.localhost (XEP-0045 §10.1.2) and bob joins it. */
async function openRoom(cast: XmppCast, room: string) {
  const MUC = 'http://jabber.org/protocol/muc';
  const alice = await cast.login('alice', 'room');
  const bob = await cast.login('bob', 'room');
  await alice.client.send(xmlElement('presence', { to: `${room}/Alice` }, xmlElement('x', { xmlns: MUC })));
  await alice.inbox.take((s) => s.name === 'presence' && s.attrs.from === `${room}/Alice`, 'alice in');
  await alice.client.iqCaller.request(
    xmlElement(
      'iq',
      { type: 'set', to: room },
      xmlElement(
        'query',
        { xmlns: `${MUC}#owner` },
        xmlElement('x', { xmlns: 'jabber:x:data', type: 'submit' }),
      ),
    ),
  );
  await bob.client.send(xmlElement('presence', { to: `${room}/Bob` }, xmlElement('x', { xmlns: MUC })));
  await bob.inbox.take((s) => s.name === 'presence' && s.attrs.from === `${room}/Bob`, 'bob in');
  const say = (body: string, id: string) =>
    alice.client.send(
      xmlElement('message', { to: room, type: 'groupchat', id }, xmlElement('body', {}, body)),
    );
  return { alice, bob, say };
}

describe('compliance for group chat (SPEC M7: every message, rooms too)', () => {
  it('records each room message with the room and its occupants', async () => {
    const receiver = await webhookReceiver();
    const herald = await startTestServer({
      raw: { compliance: { sink: 'webhook', url: `http://127.0.0.1:${receiver.port}/hook`, required: true } },
    });
    const local = new XmppCast(() => herald.ports.xmpp ?? 0);
    try {
      const room = 'audit@conference.localhost';
      const { bob, say } = await openRoom(local, room);
      await say('minutes of the meeting', 'room-1');
      await bob.inbox.take(isMessage('minutes of the meeting'), 'bob gets the room message');
      const record = receiver.bodies
        .map((b) => b as Record<string, unknown>)
        .find((b) => b.body === 'minutes of the meeting');
      assert.ok(record, 'the sink has the room message');
      assert.equal(record.room, room);
      assert.equal(record.sender, 'alice@localhost');
      assert.deepEqual([...(record.recipients as string[])].sort(), ['alice@localhost', 'bob@localhost']);
    } finally {
      await local.stopAll();
      await herald.stop();
      await closeServer(receiver.server);
    }
  });

  it('required: true refuses a room message while the sink is unreachable; nobody gets it', async () => {
    const port = await freePort();
    const herald = await startTestServer({
      raw: {
        compliance: {
          sink: 'webhook',
          url: `http://127.0.0.1:${port}/hook`,
          required: true,
          timeoutMs: 1000,
        },
      },
    });
    const local = new XmppCast(() => herald.ports.xmpp ?? 0);
    try {
      const room = 'closed@conference.localhost';
      const { alice, bob, say } = await openRoom(local, room);
      await say('not for the record', 'room-2');
      const error = await alice.inbox.take(
        (s) => s.name === 'message' && s.attrs.type === 'error' && s.attrs.id === 'room-2',
        'alice gets an error',
      );
      assert.ok(
        error.getChild('error')?.getChild('service-unavailable', 'urn:ietf:params:xml:ns:xmpp-stanzas'),
      );
      assert.equal(await bob.inbox.arrives(isMessage('not for the record'), 500), false);
    } finally {
      await local.stopAll();
      await herald.stop();
    }
  });
});
