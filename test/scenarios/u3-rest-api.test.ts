/**
 * SPEC U3 / S4 / Operator interface: the REST API, as an administrator, a user and a stranger.
 * Herald runs in-process on loopback with the demo data (alice, bob, carol, dave, admin).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { basic, call, DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';

describe('REST API (SPEC U3, S4)', () => {
  let herald: TestServer;
  const admin = basic('admin', DEMO_PASSWORD);
  const alice = basic('alice', DEMO_PASSWORD);

  before(async () => {
    herald = await startTestServer();
  });
  after(async () => {
    await herald.stop();
  });

  it('/health and /metrics answer without credentials; /health reports the store', async () => {
    const health = await call(herald.http, 'GET', '/health');
    assert.equal(health.status, 200);
    assert.equal(health.body.status, 'ok');
    assert.deepEqual(health.body.store, { ok: true, kind: 'sqlite' });
    const metrics = await call(herald.http, 'GET', '/metrics');
    assert.equal(metrics.status, 200);
    assert.match(metrics.body, /herald_process_cpu_seconds_total/);
  });

  it('nothing else under /api/v1 is served without credentials, the OpenAPI document included', async () => {
    for (const path of ['/api/v1/users', '/api/v1/devices', '/api/v1/openapi.json', '/api/v1/me']) {
      const reply = await call(herald.http, 'GET', path);
      assert.equal(reply.status, 401, path);
      assert.equal(reply.body.error, 'HERALD_ERR_UNAUTHENTICATED');
      assert.match(reply.headers.get('www-authenticate') ?? '', /^Basic/);
    }
    const anonymousWrite = await call(herald.http, 'POST', '/api/v1/users', {
      body: { username: 'eve', password: 'xxxxxxxxxx' },
    });
    assert.equal(anonymousWrite.status, 401);
  });

  it('the administrator adds a user, then lists and finds them', async () => {
    const added = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      body: {
        username: 'Erin',
        password: 'erin-secret-1',
        displayName: 'Erin Evans',
        email: 'erin@example.org',
      },
    });
    assert.equal(added.status, 201);
    assert.equal(added.body.username, 'erin', 'usernames are case-mapped');
    assert.equal(added.body.password, undefined);
    const listed = await call(herald.http, 'GET', '/api/v1/users?search=evans', { authorization: admin });
    assert.equal(listed.status, 200);
    assert.deepEqual(
      listed.body.users.map((u: { username: string }) => u.username),
      ['erin'],
    );
    const all = await call(herald.http, 'GET', '/api/v1/users', { authorization: admin });
    assert.deepEqual(
      all.body.users.map((u: { username: string }) => u.username),
      ['admin', 'alice', 'bob', 'carol', 'dave', 'erin'],
    );
    const erin = await call(herald.http, 'GET', '/api/v1/me', {
      authorization: basic('erin', 'erin-secret-1'),
    });
    assert.equal(erin.status, 200);
    assert.equal(erin.body.displayName, 'Erin Evans');
  });

  it('a duplicate user or line is 409 naming the field; a bad body is 400 naming the field', async () => {
    const duplicate = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      body: { username: 'alice', password: 'another-pass' },
    });
    assert.equal(duplicate.status, 409);
    assert.equal(duplicate.body.field, 'username');
    const line = await call(herald.http, 'POST', '/api/v1/lines', {
      authorization: admin,
      body: { number: '1001', partition: 'internal' },
    });
    assert.equal(line.status, 409);
    const missing = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      body: { username: 'frank' },
    });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'password');
    const unknownField = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      body: { username: 'frank', password: 'frank-pass-1', role: 'god' },
    });
    assert.equal(unknownField.status, 400);
    assert.match(unknownField.body.message, /role/);
    const badName = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      body: { username: 'fr ank', password: 'frank-pass-1' },
    });
    assert.equal(badName.status, 400);
    assert.equal(badName.body.field, 'username');
    const shortPassword = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      body: { username: 'frank', password: 'short' },
    });
    assert.equal(shortPassword.status, 400);
    assert.equal(shortPassword.body.field, 'password');
    const notJson = await call(herald.http, 'POST', '/api/v1/users', {
      authorization: admin,
      rawBody: '{"username": ',
    });
    assert.equal(notJson.status, 400);
    const frank = await call(herald.http, 'GET', '/api/v1/users/frank', { authorization: admin });
    assert.equal(frank.status, 404, 'nothing half-written stayed');
  });

  it('a user may read the directory but not change it', async () => {
    assert.equal((await call(herald.http, 'GET', '/api/v1/users', { authorization: alice })).status, 200);
    const write = await call(herald.http, 'POST', '/api/v1/partitions', {
      authorization: alice,
      body: { name: 'mine' },
    });
    assert.equal(write.status, 403);
    assert.equal(write.body.error, 'HERALD_ERR_FORBIDDEN');
    const others = await call(herald.http, 'GET', '/api/v1/users/bob/devices', { authorization: alice });
    assert.equal(others.status, 403, "another user's devices are theirs and the administrators'");
    const remove = await call(herald.http, 'DELETE', '/api/v1/users/bob', { authorization: alice });
    assert.equal(remove.status, 403);
  });

  it("a user's devices with their lines (the CCMCIP stand-in)", async () => {
    const mine = await call(herald.http, 'GET', '/api/v1/me/devices', { authorization: alice });
    assert.equal(mine.status, 200);
    assert.deepEqual(
      mine.body.map((d: { name: string; kind: string; lines: { number: string; partition: string }[] }) => [
        d.name,
        d.kind,
        d.lines.map((l) => `${l.number}@${l.partition}`),
      ]),
      [
        ['CSFALICE', 'softphone', ['1001@internal']],
        ['SEP00000A001001', 'deskphone', ['1001@internal']],
      ],
    );
    const carol = await call(herald.http, 'GET', '/api/v1/users/carol/devices', { authorization: admin });
    assert.deepEqual(
      carol.body.map((d: { name: string }) => d.name),
      ['CSFCAROL'],
    );
  });

  it('the same number in two partitions is two lines; devices, associations and canned messages', async () => {
    assert.equal(
      (
        await call(herald.http, 'POST', '/api/v1/partitions', {
          authorization: admin,
          body: { name: 'branch' },
        })
      ).status,
      201,
    );
    const line = await call(herald.http, 'POST', '/api/v1/lines', {
      authorization: admin,
      body: { number: '1001', partition: 'branch', description: 'Branch reception' },
    });
    assert.equal(line.status, 201);
    const lines = await call(herald.http, 'GET', '/api/v1/lines?number=1001', { authorization: admin });
    assert.deepEqual(
      lines.body.map((l: { partition: string }) => l.partition),
      ['branch', 'internal'],
    );
    const device = await call(herald.http, 'POST', '/api/v1/devices', {
      authorization: admin,
      body: {
        name: 'SEP001122334455',
        kind: 'deskphone',
        mac: '00:11:22:33:44:55',
        lines: [{ number: '1001', partition: 'branch' }],
      },
    });
    assert.equal(device.status, 201);
    assert.equal(device.body.mac, '001122334455');
    const badLine = await call(herald.http, 'POST', '/api/v1/devices', {
      authorization: admin,
      body: { name: 'SEPAAAAAAAAAAAA', kind: 'deskphone', lines: [{ number: '9999', partition: 'branch' }] },
    });
    assert.equal(badLine.status, 404);
    assert.equal(
      (await call(herald.http, 'GET', '/api/v1/devices/SEPAAAAAAAAAAAA', { authorization: admin })).status,
      404,
      'all or nothing',
    );
    assert.equal(
      (
        await call(herald.http, 'PUT', '/api/v1/users/carol/devices/SEP001122334455', {
          authorization: admin,
        })
      ).status,
      204,
    );
    const carol = await call(herald.http, 'GET', '/api/v1/users/carol/devices', { authorization: admin });
    assert.deepEqual(
      carol.body.map((d: { name: string }) => d.name),
      ['CSFCAROL', 'SEP001122334455'],
    );
    const inUse = await call(herald.http, 'DELETE', '/api/v1/partitions/branch', { authorization: admin });
    assert.equal(inUse.status, 409);
    const canned = await call(herald.http, 'GET', '/api/v1/canned-messages', { authorization: alice });
    assert.ok(canned.body.some((c: { text: string }) => c.text === 'On my way'));
    const search = await call(herald.http, 'GET', '/api/v1/directory?q=bob', { authorization: alice });
    assert.deepEqual(search.body, [
      { username: 'bob', displayName: 'Bob Brown', numbers: [{ number: '1002', partition: 'internal' }] },
    ]);
  });

  it('a bearer token from POST /api/v1/session, revoked by DELETE', async () => {
    const wrong = await call(herald.http, 'POST', '/api/v1/session', {
      body: { username: 'bob', password: 'not-his-password' },
    });
    assert.equal(wrong.status, 401);
    const session = await call(herald.http, 'POST', '/api/v1/session', {
      body: { username: 'bob', password: DEMO_PASSWORD },
    });
    assert.equal(session.status, 201);
    assert.equal(session.body.user.username, 'bob');
    const bearer = `Bearer ${session.body.token}`;
    assert.equal(
      (await call(herald.http, 'GET', '/api/v1/me', { authorization: bearer })).body.username,
      'bob',
    );
    assert.equal(
      (await call(herald.http, 'DELETE', '/api/v1/session', { authorization: bearer })).status,
      204,
    );
    assert.equal((await call(herald.http, 'GET', '/api/v1/me', { authorization: bearer })).status, 401);
  });

  it('repeated wrong passwords are throttled per account (429), even with the right one', async () => {
    const dave = (password: string) =>
      call(herald.http, 'GET', '/api/v1/me', { authorization: basic('dave', password) });
    for (let i = 0; i < 10; i++) assert.equal((await dave(`wrong-${i}`)).status, 401);
    const throttled = await dave(DEMO_PASSWORD);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.error, 'HERALD_ERR_RATE_LIMITED');
  });

  it('the OpenAPI document describes the API, for a signed-in caller', async () => {
    const doc = await call(herald.http, 'GET', '/api/v1/openapi.json', { authorization: admin });
    assert.equal(doc.status, 200);
    assert.equal(doc.body.openapi, '3.1.0');
    for (const path of [
      '/api/v1/users',
      '/api/v1/devices',
      '/api/v1/lines',
      '/api/v1/session',
      '/api/v1/me/devices',
    ])
      assert.ok(doc.body.paths[path], `documents ${path}`);
  });

  it('HTTPS serves the same API with the self-signed certificate made on first start', async () => {
    const { request } = await import('node:https');
    const { readFileSync } = await import('node:fs');
    const ca = readFileSync(`${herald.dataDir}/tls/localhost.crt`, 'utf8');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${herald.https}/health`, { ca, servername: 'localhost' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 200);
  });
});
