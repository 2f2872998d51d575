/**
 * A call through Herald's SIP proxy between two baresip 1.0.0 UAs (INTEROP.md recipe): Alice and
 * Bob register with digest auth, Alice dials sip:bob@localhost (407 → credentials), Bob answers
 * automatically, Alice's WAV tone reaches Bob (his sndfile recording grows), Alice hangs up and
 * Bob gets the BYE along the record-routed path. Herald's core saw Bob on the phone meanwhile.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Baresip, skipWithoutBaresip as skip, until } from '../support/baresip.js';
import { DEMO_PASSWORD, sipLocationOf, startTestServer, type TestServer } from '../support/test-server.js';

const DOMAIN = 'localhost';

describe('SIP proxy calls with baresip (RFC 3261 §16)', { skip }, () => {
  let herald: TestServer;
  let work = '';
  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'herald-baresip-call-'));
    herald = await startTestServer({
      raw: { modules: { 'sip-registrar': { md5OnlyUserAgents: ['sipsak', 'SIPp', 'baresip'] } } },
    });
  });
  after(async () => {
    await herald.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('Alice calls Bob with audio; Bob auto-answers, is on the phone, and gets the BYE', async () => {
    const proxy = `127.0.0.1:${herald.ports['sip-udp']}`;
    const make = (user: string) =>
      Baresip.create({ dir: join(work, user), user, password: DEMO_PASSWORD, domain: DOMAIN, proxy });
    const bobUser = await herald.server.store.accounts.findUserByName('bob');
    const aliceUser = await herald.server.store.accounts.findUserByName('alice');
    assert.ok(bobUser && aliceUser);
    const alice = await make('alice');
    const bob = await make('bob');
    await bob.start();
    await alice.start();
    try {
      let registered = 0;
      await until('both registered', () => {
        const location = sipLocationOf(herald);
        registered = Math.min(
          location.liveOf(bobUser.id, Date.now()).length,
          location.liveOf(aliceUser.id, Date.now()).length,
        );
        return registered > 0;
      });
      alice.command(`dial sip:bob@${DOMAIN}`);
      await until(
        'the call established on both sides',
        () => alice.hasEvent('CALL_ESTABLISHED') && bob.hasEvent('CALL_ESTABLISHED'),
      );
      assert.equal(herald.server.presence.presenceOf(bobUser.id).availability, 'on-the-phone');
      assert.ok(herald.server.calls.legsOf(bobUser.id).some((leg) => leg.state === 'confirmed'));
      // Let the tone play into the call for a while: Bob records what he receives.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      // Alice puts Bob on hold (a re-INVITE with a=sendonly, RFC 3264 §8.4) and takes him back.
      const aliceHolds = (held: boolean) =>
        herald.server.calls
          .legsOf(aliceUser.id)
          .some((leg) => leg.state === 'confirmed' && leg.held === held);
      alice.command('hold');
      await until('Alice’s leg held', () => aliceHolds(true));
      alice.command('resume');
      await until('Alice’s leg resumed', () => aliceHolds(false));
      alice.command('hangup');
      await until('Bob got the BYE', () => bob.hasEvent('CALL_CLOSED'));
      await until('the legs ended', () => herald.server.calls.legsOf(bobUser.id).length === 0);
      assert.notEqual(herald.server.presence.presenceOf(bobUser.id).availability, 'on-the-phone');
      // The BYE went through Herald: Bob's trace shows it with Herald's Via on top.
      assert.match(bob.log, /BYE sip:[^\r\n]+\r?\nVia: SIP\/2\.0\/UDP 127\.0\.0\.1:\d+;branch=z9hG4bKhld/);
      const recorded = readdirSync(join(work, 'bob', 'rec')).filter((f) => f.endsWith('-dec.wav'));
      const bytes = recorded.reduce((sum, f) => sum + statSync(join(work, 'bob', 'rec', f)).size, 0);
      assert.ok(bytes > 8000, `Bob recorded ${bytes} bytes of received audio`);
    } finally {
      alice.stop();
      bob.stop();
    }
  });
});
