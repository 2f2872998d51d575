/**
 * baresip 1.0.0 (Debian) as a real SIP peer for interop tests, driven over its ctrl_tcp module
 * (netstring-framed JSON), set up with the anchors' headless recipe
 * (shared/anchors/sip/interop/mk-baresip.sh; shared/anchors/sip/INTEROP.md): registers through
 * Herald with digest auth, auto-answers calls, plays a WAV tone, PUBLISHes presence every 60 s
 * and SUBSCRIBEs to the presence of each contact.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, freeSipPortPair } from './free-port.js';

export { until } from './until.js';

const run = promisify(execFile);
const MK = '/work/shared/anchors/sip/interop/mk-baresip.sh';

export const hasBaresip = spawnSync('which', ['baresip']).status === 0;
/** Under CI the tests must run (and fail if baresip is missing); locally they may skip. */
export const skipWithoutBaresip: string | false =
  hasBaresip || process.env.CI === 'true' ? false : 'baresip is not installed';

/** baresip colours its answers (ANSI SGR sequences). */
const ESC = String.fromCharCode(27);
export const stripAnsi = (text: string): string =>
  text
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');

export interface BaresipAccount {
  /** Where its config lives (a fresh directory under the test's temporary one). */
  readonly dir: string;
  readonly user: string;
  readonly password: string;
  readonly domain: string;
  /** host:port of Herald's SIP UDP listener (the outbound proxy). */
  readonly proxy: string;
  /** Users whose presence it SUBSCRIBEs to (its contacts). */
  readonly contacts?: readonly string[];
}

/** One baresip process with its ctrl_tcp connection; `messages` holds every answer and event. */
export class Baresip {
  readonly messages: string[] = [];
  /** Its stdout: with `-s`, every SIP message it sent and received. */
  log = '';
  #child: ChildProcess | undefined;
  #socket: Socket | undefined;
  #buffer = '';
  #seq = 0;

  private constructor(
    readonly dir: string,
    readonly ctrlPort: number,
  ) {}

  /** Writes the config with mk-baresip.sh; `start()` runs it. */
  static async create(account: BaresipAccount): Promise<Baresip> {
    const ctrl = await freePort();
    // baresip binds UDP and TCP on sipPort and TLS on sipPort + 1: all of them must be free.
    const sipPort = await freeSipPortPair([ctrl]);
    await run('bash', [
      MK,
      account.dir,
      account.user,
      account.password,
      account.domain,
      account.proxy,
      String(sipPort),
      String(ctrl),
      '',
      ...(account.contacts ?? []),
    ]);
    return new Baresip(account.dir, ctrl);
  }

  get accountsFile(): string {
    return join(this.dir, 'accounts');
  }

  async start(): Promise<void> {
    const child = spawn('baresip', ['-s', '-f', this.dir], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let exited: string | undefined;
    child.once('exit', (code, signal) => {
      exited = `baresip exited (${signal ?? code}) before ctrl_tcp opened`;
    });
    child.stdout?.on('data', (d: Buffer) => {
      this.log += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.log += d.toString('utf8');
    });
    const end = Date.now() + 20_000;
    for (;;) {
      if (exited) throw new Error(`${exited}:\n${stripAnsi(this.log.slice(-2000))}`);
      try {
        this.#socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(this.ctrlPort, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch {
        if (Date.now() > end)
          throw new Error(`baresip ctrl_tcp did not open:\n${stripAnsi(this.log.slice(-2000))}`);
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

  /** Sends one ctrl_tcp command, e.g. `dial sip:bob@localhost` or `presence_offline`. */
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

  /** Asks `contacts` until the answer (colours stripped) matches (bounded). */
  async contactsUntil(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const end = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < end) {
      const from = this.messages.length;
      this.command('contacts');
      await new Promise((r) => setTimeout(r, 300));
      const found = this.messages.slice(from).find((m) => pattern.test(stripAnsi(m)));
      if (found) return stripAnsi(found);
      last = this.messages.slice(from).map(stripAnsi).join('\n') || last;
    }
    throw new Error(
      `baresip contacts never matched ${pattern}: ${last}\n${stripAnsi(this.log.slice(-3000))}`,
    );
  }

  stop(): void {
    this.#socket?.destroy();
    this.#child?.kill('SIGTERM');
  }
}
