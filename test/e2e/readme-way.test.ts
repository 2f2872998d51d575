/**
 * The README's way (SPEC S1, Operator interface): the built `herald` command as a separate
 * process with the demo data; the admin CLI beside it; a REST client; SIGTERM; exit codes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../support/free-port.js';
import { runHerald, spawnHerald } from '../support/herald-process.js';
import { basic, call } from '../support/test-server.js';

describe('herald serve --demo, as a user runs it', () => {
  let dataDir: string;
  let env: Record<string, string>;
  let base: string;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'herald-e2e-'));
    const [http, https, xmpp, xmpps, sip, sips] = [
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
      await freePort(),
    ];
    env = {
      HERALD_DATA_DIR: dataDir,
      HERALD_BIND: '127.0.0.1',
      HERALD_HTTP_PORT: String(http),
      HERALD_HTTPS_PORT: String(https),
      HERALD_XMPP_PORT: String(xmpp),
      HERALD_XMPPS_PORT: String(xmpps),
      HERALD_SIP_PORT: String(sip),
      HERALD_SIPS_PORT: String(sips),
      HERALD_LOG_LEVEL: 'warn',
    };
    base = `http://127.0.0.1:${http}`;
  });
  after(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints a generated demo password once, serves /health, and stops cleanly on SIGTERM', async () => {
    const herald = spawnHerald(['serve', '--demo'], env);
    try {
      const [, password] = await herald.waitFor(/created with the password: (\S+)/);
      await herald.waitFor(/serves localhost on/);
      const health = await call(base, 'GET', '/health');
      assert.equal(health.status, 200);
      assert.equal(health.body.store.kind, 'sqlite');

      // the admin CLI beside the running server, then the REST API sees the new user
      const added = runHerald(
        ['user', 'add', 'erin', '--password-stdin', '--display-name', 'Erin Evans'],
        env,
        'erin-secret-1\n',
      );
      assert.equal(added.code, 0, added.stderr);
      assert.match(added.stdout, /added user erin/);
      const users = await call(base, 'GET', '/api/v1/users', {
        authorization: basic('admin', password ?? ''),
      });
      assert.equal(users.status, 200);
      assert.ok(users.body.users.some((u: { username: string }) => u.username === 'erin'));
      const list = runHerald(['user', 'list'], env);
      assert.match(list.stdout, /erin\s+Erin Evans/);
      assert.equal(herald.stdout().match(/created with the password/g)?.length, 1);
    } finally {
      assert.equal(await herald.stop('SIGTERM'), 0, `clean exit; stderr: ${herald.stderr()}`);
    }
  });

  it('a second start with the same data keeps the users and prints no new password', async () => {
    const herald = spawnHerald(['serve', '--demo'], env);
    try {
      await herald.waitFor(/serves localhost on/);
      assert.doesNotMatch(herald.stdout(), /password/);
      const list = runHerald(['user', 'list', '--json'], env);
      const names = JSON.parse(list.stdout).users.map((u: { username: string }) => u.username);
      assert.deepEqual(names, ['admin', 'alice', 'bob', 'carol', 'dave', 'erin']);
    } finally {
      assert.equal(await herald.stop('SIGINT'), 0);
    }
  });

  it('bad configuration and arguments exit 2 with one line naming the key or argument', () => {
    const badPort = runHerald(['serve'], { ...env, HERALD_HTTP_PORT: 'eighty' });
    assert.equal(badPort.code, 2);
    assert.match(badPort.stderr.trim(), /^herald: config: http\.port: expected integer \(got "eighty"\)$/);
    const unknownFlag = runHerald(['serve', '--dmeo'], env);
    assert.equal(unknownFlag.code, 2);
    assert.match(unknownFlag.stderr, /--dmeo/);
    const missingFile = runHerald(['serve', '--config', '/nonexistent.yaml'], env);
    assert.equal(missingFile.code, 2);
    assert.match(missingFile.stderr, /cannot read \/nonexistent\.yaml/);
    const unknownCommand = runHerald(['usr', 'list'], env);
    assert.equal(unknownCommand.code, 2);
    const duplicate = runHerald(['user', 'add', 'alice', '--password', 'whatever-1'], env);
    assert.equal(duplicate.code, 1);
    assert.match(duplicate.stderr, /alice/);
    const help = runHerald(['user', 'add', '--help'], env);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /usage: herald user add USERNAME/);
  });

  it('the other admin verbs: partitions, lines, devices, calling search spaces, canned messages', () => {
    const steps: [string[], RegExp][] = [
      [['partition', 'add', 'branch'], /added partition branch/],
      [['line', 'add', '1001', '--partition', 'branch'], /added line 1001 in branch/],
      [['css', 'add', 'branch-css', '--partition', 'branch', '--partition', 'internal'], /branch → internal/],
      [
        [
          'device',
          'add',
          'SEPAABBCCDDEEFF',
          '--kind',
          'deskphone',
          '--mac',
          'aa:bb:cc:dd:ee:ff',
          '--css',
          'branch-css',
          '--line',
          '1001@branch',
        ],
        /with 1001@branch/,
      ],
      [['device', 'assign', 'SEPAABBCCDDEEFF', 'erin'], /associated with erin/],
      [['device', 'list'], /SEPAABBCCDDEEFF\s+deskphone\s+AABBCCDDEEFF\s+branch-css\s+1001@branch\s+erin/],
      [['line', 'list', '--partition', 'branch'], /1001\s+branch/],
      [['canned', 'add', 'Back in five minutes'], /added canned message/],
      [['canned', 'list'], /Back in five minutes/],
    ];
    for (const [args, expected] of steps) {
      const result = runHerald(args, env);
      assert.equal(result.code, 0, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stdout, expected, args.join(' '));
    }
    const inUse = runHerald(['partition', 'remove', 'branch'], env);
    assert.equal(inUse.code, 1, 'a partition with lines cannot go');
  });
});
