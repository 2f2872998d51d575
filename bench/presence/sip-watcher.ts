/**
 * A minimal SIP presence watcher for the fan-out bench, on its own UDP socket: SUBSCRIBE with
 * Event: presence (RFC 3856 §6), answering the 401 challenge with digest (RFC 3261 §22.4, RFC 2617
 * §3.2.2, qop=auth, MD5), and a 200 OK to every NOTIFY (RFC 6665 §4.1.3) whose body is handed to
 * `onNotify`. No SIP library, so the numbers are the server's.
 */
import { createHash } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

export interface SipWatcherOptions {
  readonly user: string;
  readonly password: string;
  readonly domain: string;
  readonly server: { host: string; port: number };
  /** Called for every NOTIFY with its body. */
  readonly onNotify: (body: string, at: number) => void;
}

interface Reply {
  readonly status: number;
  readonly text: string;
}

const header = (text: string, name: string): string | undefined =>
  new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(text)?.[1]?.trim();

export class SipWatcher {
  readonly #o: SipWatcherOptions;
  readonly #socket: Socket = createSocket('udp4');
  readonly #waiting = new Map<string, (reply: Reply) => void>();
  readonly #callId = `fanout-${Math.random().toString(36).slice(2)}`;
  #cseq = 1;
  #port = 0;
  notifies = 0;
  /** NOTIFYs received again (same CSeq): RFC 3261 §17.1.2.2 retransmissions of the server's. */
  retransmissions = 0;
  /** For each retransmission: ms since this watcher answered the first copy. */
  readonly retransmissionDelays: number[] = [];
  /** When each NOTIFY CSeq was first answered (the highest few). */
  readonly #answered = new Map<number, number>();

  constructor(options: SipWatcherOptions) {
    this.#o = options;
  }

  async start(): Promise<void> {
    this.#socket.on('message', (data) => this.#onMessage(data.toString('utf8')));
    await new Promise<void>((done) => this.#socket.bind(0, '127.0.0.1', done));
    this.#port = this.#socket.address().port;
  }

  close(): void {
    try {
      this.#socket.close();
    } catch {}
  }

  /** SUBSCRIBEs to `target` (user@domain), authenticating once; resolves with the final status. */
  async subscribe(target: string, expires = 3600): Promise<number> {
    const uri = `sip:${target}`;
    const extra = ['Event: presence', 'Accept: application/pidf+xml', `Expires: ${expires}`];
    const first = await this.#request('SUBSCRIBE', uri, extra);
    if (first.status !== 401) return first.status;
    const challenge = header(first.text, 'WWW-Authenticate') ?? '';
    const realm = /realm="([^"]*)"/.exec(challenge)?.[1] ?? this.#o.domain;
    const nonce = /nonce="([^"]*)"/.exec(challenge)?.[1] ?? '';
    const opaque = /opaque="([^"]*)"/.exec(challenge)?.[1];
    const cnonce = Math.random().toString(36).slice(2);
    const ha1 = md5(`${this.#o.user}:${realm}:${this.#o.password}`);
    const response = md5(`${ha1}:${nonce}:00000001:${cnonce}:auth:${md5(`SUBSCRIBE:${uri}`)}`);
    const auth =
      `Authorization: Digest username="${this.#o.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", ` +
      `response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="${cnonce}"` +
      (opaque === undefined ? '' : `, opaque="${opaque}"`);
    return (await this.#request('SUBSCRIBE', uri, [...extra, auth])).status;
  }

  #request(method: string, uri: string, extra: string[]): Promise<Reply> {
    const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
    const { user, domain, server } = this.#o;
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.#port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${user}@${domain}>;tag=${user}-t`,
      `To: <${uri}>`,
      `Call-ID: ${this.#callId}`,
      `CSeq: ${this.#cseq++} ${method}`,
      `Contact: <sip:${user}@127.0.0.1:${this.#port}>`,
      ...extra,
      'Content-Length: 0',
    ];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(branch);
        reject(new Error(`${user}: no answer to ${method}`));
      }, 10_000);
      this.#waiting.set(branch, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#socket.send(`${lines.join('\r\n')}\r\n\r\n`, server.port, server.host);
    });
  }

  #onMessage(text: string): void {
    const at = performance.now();
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    if (status) {
      if (Number(status[1]) < 200) return;
      const branch = /branch=([^;\s,]+)/.exec(text)?.[1] ?? '';
      this.#waiting.get(branch)?.({ status: Number(status[1]), text });
      this.#waiting.delete(branch);
      return;
    }
    // RFC 3261 §8.2.6.2: the response copies Via, From, To, Call-ID and CSeq.
    const split = text.indexOf('\r\n\r\n');
    const head = split < 0 ? text : text.slice(0, split);
    const copied = head.split('\r\n').filter((line) => /^(Via|v|From|f|To|t|Call-ID|i|CSeq):/i.test(line));
    this.#socket.send(
      `SIP/2.0 200 OK\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
      this.#o.server.port,
      this.#o.server.host,
    );
    if (text.startsWith('NOTIFY ')) {
      const seq = Number(/^CSeq:[ \t]*(\d+)/im.exec(head)?.[1] ?? -1);
      const first = this.#answered.get(seq);
      if (first !== undefined) {
        this.retransmissions++;
        this.retransmissionDelays.push(at - first);
        return;
      }
      this.#answered.set(seq, at);
      if (this.#answered.size > 64) this.#answered.delete(this.#answered.keys().next().value as number);
      this.notifies++;
      this.#o.onNotify(split < 0 ? '' : text.slice(split + 4), at);
    }
  }
}
