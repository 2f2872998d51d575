/**
 * A call through Herald's SIP proxy between two baresip 1.0.0 UAs (INTEROP.md recipe): Alice and
 * Bob register with digest auth, Alice dials sip:bob@localhost (407 → credentials), Bob answers
 * automatically, Alice's WAV tone reaches Bob (his sndfile recording grows), Alice hangs up and
 * Bob gets the BYE along the record-routed path. Herald's core saw Bob on the phone meanwhile.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { freePort } from '../support/free-port.js';
import { DEMO_PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';

const run = promisify(execFile);
const hasBaresip = spawnSync('which', ['baresip']).status === 0;
const skip = hasBaresip || process.env.CI === 'true' ? false : 'baresip is not installed';
const MK = '/work/shared/anchors/sip/interop/mk-baresip.sh';
const DOMAIN = 'localhost';

async function until(what: string, check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One baresip driven over ctrl_tcp (netstring JSON); `messages` holds every answer and event. */
class Baresip {
  readonly messages: string[] = [];
  log = '';
  #child: ChildProcess | undefined;
  #socket: Socket | undefined;
  #buffer = '';
  #seq = 0;

  constructor(
    readonly dir: string,
    readonly ctrlPort: number,
  ) {}

  async start(): Promise<void> {
    this.#child = spawn('baresip', ['-s', '-f', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child.stdout?.on('data', (d: Buffer) => {
      this.log += d.toString('utf8');
    });
    const end = Date.now() + 10_000;
    for (;;) {
      try {
        this.#socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(this.ctrlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch {
        if (Date.now() > end) throw new Error('baresip ctrl_tcp did not open');
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    this.#socket.on('data', (d: Buffer) => {
      this.#buffer += d.toString('utf8');
      for (;;) {
        const colon = this.#buffer.indexOf(':');
        if (colon < 0) return;
        const length = Number(this.#buffer.slice(0, colon));
        if (this.#buffer.length < colon + 1 + length + 1) return;
        this.messages.push(this.#buffer.slice(colon + 1, colon + 1 + length));
        this.#buffer = this.#buffer.slice(colon + 2 + length);
      }
    });
  }

  command(line: string): void {
    const space = line.indexOf(' ');
    const message = JSON.stringify({
      command: space < 0 ? line : line.slice(0, space),
      params: space < 0 ? '' : line.slice(space + 1),
      token: `t${this.#seq++}`,
    });
    this.#socket?.write(`${Buffer.byteLength(message)}:${message},`);
  }

  hasEvent(type: string): boolean {
    return this.messages.some((m) => m.includes(`"type":"${type}"`));
  }

  stop(): void {
    this.#socket?.destroy();
    this.#child?.kill('SIGTERM');
  }
}

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
    const make = async (user: string) => {
      let sipPort = await freePort();
      if (sipPort % 2 === 1) sipPort -= 1; // baresip also binds sipPort + 1 (TLS)
      const ctrl = await freePort();
      const dir = join(work, user);
      await run('bash', [MK, dir, user, DEMO_PASSWORD, DOMAIN, proxy, String(sipPort), String(ctrl), '']);
      return new Baresip(dir, ctrl);
    };
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
        void Promise.all([
          herald.server.store.location.bindingsOf(bobUser.id, Date.now()),
          herald.server.store.location.bindingsOf(aliceUser.id, Date.now()),
        ]).then(([b, a]) => {
          registered = Math.min(b.length, a.length);
        });
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
