/**
 * Calls through Herald's SIP proxy (RFC 3261 §16) with real peers: SIPp UAs REGISTER with digest
 * auth (§10, §22), Alice's SIPp calls Bob's (INVITE → 407 → credentials, 180, 200, ACK and BYE
 * along the record-routed path), cancels a ringing call (§16.10), gets 404 for an unknown user and
 * 480 for a user with nobody registered, and reaches Bob by his line 1002 (SPEC C1). The core saw
 * it: Bob's leg in the CallRegistry and "on the phone" while connected, back after the BYE.
 */

import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { CallLeg } from '../../src/core/calls/index.js';
import type { UserRecord } from '../../src/core/ports.js';
import { freePort } from '../support/free-port.js';
import { runSipp, type SippRun, skipWithoutSipp as skip, stopSipps } from '../support/sipp.js';
import { DEMO_PASSWORD, sipLocationOf, startTestServer, type TestServer } from '../support/test-server.js';

const DOMAIN = 'localhost';
const SCENARIOS = join(dirname(fileURLToPath(import.meta.url)), 'sipp');

function sipp(args: readonly string[], timeoutMs = 30_000): Promise<SippRun> {
  return runSipp(args, { cwd: work, timeoutMs });
}

let work = '';

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('SIP proxy calls with SIPp (RFC 3261 §16)', { skip }, () => {
  let herald: TestServer;
  let target = '';
  let bob: UserRecord;
  const keys = (pairs: Record<string, string | number>) =>
    Object.entries(pairs).flatMap(([k, v]) => ['-key', k, String(v)]);

  /** Bob's SIPp UAS on its own port, registered with digest by a SIPp REGISTER. */
  async function bobAnswers(scenario: string, ringMs: number): Promise<{ uas: Promise<SippRun> }> {
    const port = await freePort();
    const uas = sipp([
      '-sf',
      join(SCENARIOS, scenario),
      '-p',
      String(port),
      '-mp',
      String(await freePort()),
      // <pause/> in the scenarios lasts -d milliseconds: how long Bob rings.
      '-d',
      String(ringMs),
      ...keys({ user: 'bob' }),
    ]);
    const registered = await sipp([
      target,
      '-sf',
      join(SCENARIOS, 'register.xml'),
      '-p',
      String(await freePort()),
      '-au',
      'bob',
      '-ap',
      DEMO_PASSWORD,
      // SIPp's digest uri is remote_ip:port unless told; Herald checks it names the Request-URI.
      '-auth_uri',
      DOMAIN,
      ...keys({ user: 'bob', domain: DOMAIN, contact_port: port, expires: 300 }),
    ]);
    assert.equal(registered.code, 0, registered.output);
    return { uas };
  }

  /** `pauseMs`: how long Alice talks (uac.xml) or lets it ring before cancelling (uac-cancel.xml). */
  async function aliceCalls(scenario: string, service: string, pauseMs = 1500) {
    return sipp([
      target,
      '-sf',
      scenario.startsWith('/') ? scenario : join(SCENARIOS, scenario),
      '-s',
      service,
      '-p',
      String(await freePort()),
      '-mp',
      String(await freePort()),
      '-au',
      'alice',
      '-ap',
      DEMO_PASSWORD,
      '-auth_uri',
      `${service}@${DOMAIN}`,
      '-d',
      String(pauseMs),
      ...keys({ user: 'alice', domain: DOMAIN }),
    ]);
  }

  function refusedScenario(status: number): string {
    const file = join(work, `uac-refused-${status}.xml`);
    writeFileSync(
      file,
      readFileSync(join(SCENARIOS, 'uac-refused.xml.in'), 'utf8').replaceAll('STATUS', String(status)),
    );
    return file;
  }

  const bobLegs = (): readonly CallLeg[] => herald.server.calls.legsOf(bob.id);

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'herald-sipp-'));
    herald = await startTestServer({
      raw: { modules: { 'sip-registrar': { md5OnlyUserAgents: ['sipsak', 'SIPp'] } } },
    });
    target = `127.0.0.1:${herald.ports['sip-udp']}`;
    const found = await herald.server.store.accounts.findUserByName('bob');
    assert.ok(found);
    bob = found;
  });
  after(async () => {
    stopSipps();
    await herald.stop();
    if (!process.env.KEEP_SIPP) rmSync(work, { recursive: true, force: true });
  });
  beforeEach(async () => {
    // Each test registers Bob afresh: no stale contact from the one before forks the call.
    sipLocationOf(herald).replace(bob.id, []);
  });

  it('Alice calls Bob: INVITE/ACK/BYE record-routed; Bob is on the phone while connected', async () => {
    const { uas } = await bobAnswers('uas.xml', 300);
    const seen: string[] = [];
    const off = herald.server.calls.onChanged(({ leg }) => {
      if (leg.userId === bob.id) seen.push(leg.state);
    });
    const uac = aliceCalls('uac.xml', 'bob');
    await until('Bob connected', () => bobLegs().some((l) => l.state === 'confirmed'));
    const leg = bobLegs()[0];
    assert.equal(leg?.direction, 'recipient');
    assert.equal(leg?.line, '1002');
    assert.equal(leg?.remote, `sip:alice@${DOMAIN}`);
    assert.equal(leg?.remoteDisplay, 'Caller');
    assert.equal(herald.server.presence.presenceOf(bob.id).availability, 'on-the-phone');
    const [caller, callee] = await Promise.all([uac, uas]);
    off();
    assert.equal(caller.code, 0, caller.output);
    assert.equal(callee.code, 0, callee.output);
    await until('the legs ended', () => bobLegs().length === 0);
    assert.notEqual(herald.server.presence.presenceOf(bob.id).availability, 'on-the-phone');
    assert.deepEqual([...new Set(seen)], ['trying', 'early', 'confirmed', 'terminated']);
  });

  it('Alice cancels a ringing call: 200 to the CANCEL, 487 to the INVITE (§16.10)', async () => {
    const { uas } = await bobAnswers('uas-ring.xml', 0);
    const uac = aliceCalls('uac-cancel.xml', 'bob', 500);
    await until('Bob ringing', () => bobLegs().length > 0);
    const [caller, callee] = await Promise.all([uac, uas]);
    assert.equal(caller.code, 0, caller.output);
    assert.equal(callee.code, 0, callee.output);
    await until('the legs ended', () => bobLegs().length === 0);
  });

  it('Alice reaches Bob by his line number 1002 (her calling search space)', async () => {
    const { uas } = await bobAnswers('uas.xml', 100);
    const uac = aliceCalls('uac.xml', '1002', 500);
    await until('Bob connected', () => bobLegs().some((l) => l.state === 'confirmed'));
    const [caller, callee] = await Promise.all([uac, uas]);
    assert.equal(caller.code, 0, caller.output);
    assert.equal(callee.code, 0, callee.output);
  });

  it('404 for an unknown user, 480 for a user with nobody registered', async () => {
    const unknown = await aliceCalls(refusedScenario(404), 'nobody');
    assert.equal(unknown.code, 0, unknown.output);
    const away = await aliceCalls(refusedScenario(480), 'dave');
    assert.equal(away.code, 0, away.output);
  });
});
