/**
 * A minimal SIP user agent over UDP for scenario tests, written here to reach corners the real
 * peers (SIPp, baresip, sipsak) cannot: it sends requests, answers digest challenges (MD5,
 * `qop=auth`, 401 and 407), and answers every request it receives — NOTIFYs with `notifyStatus`
 * (481 plays a UA that forgot the subscription), the rest with 200 (RFC 3261 §8.2.6.2 copies).
 */
import { createSocket, type Socket } from 'node:dgram';
import { digestHa1, digestResponse } from '../../src/core/identity/sip-digest.js';

export interface SipReply {
  readonly status: number;
  readonly text: string;
}

/** The dialog a request belongs to: a fresh Call-ID when absent; the To tag once established. */
export interface SipRequestDialog {
  readonly callId?: string;
  readonly toTag?: string;
}

const hasHeader = (extra: readonly string[], name: string) =>
  extra.some((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));

export class UdpUa {
  /** Every request received (MESSAGE, NOTIFY, …), as text. */
  readonly received: string[] = [];
  /** The NOTIFYs received and not yet taken by `waitForNotify`. */
  readonly notifies: string[] = [];
  notifyStatus = 200;
  port = 0;
  readonly #socket: Socket = createSocket('udp4');
  readonly #waiting = new Map<string, (reply: SipReply) => void>();
  #cseq = 1;

  constructor(
    readonly user: string,
    readonly password: string,
    /** Herald's SIP UDP port on 127.0.0.1. */
    readonly server: number,
    /** The host of this UA's URIs: the domain, or (as phones provisioned by address do) an address of the server. */
    readonly domain = 'localhost',
  ) {}

  async start(): Promise<void> {
    this.#socket.on('message', (data) => this.#onMessage(data.toString('utf8')));
    await new Promise<void>((resolve) => this.#socket.bind(0, '127.0.0.1', resolve));
    this.port = this.#socket.address().port;
  }

  close(): void {
    this.#socket.close();
  }

  /** Sends `method` to `uri` and answers one digest challenge; resolves with the final response. */
  async send(
    method: string,
    uri: string,
    dialog: SipRequestDialog = {},
    extra: string[] = [],
    body = '',
  ): Promise<SipReply> {
    const callId = dialog.callId ?? `${method}-${Math.random().toString(36).slice(2)}@127.0.0.1`;
    const target = { callId, ...(dialog.toTag ? { toTag: dialog.toTag } : {}) };
    let auth: string[] = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      const reply = await this.#exchange(method, uri, target, [...extra, ...auth], body);
      const challenge = /^(WWW|Proxy)-Authenticate: (Digest .*algorithm=MD5.*)$/im.exec(reply.text);
      if ((reply.status !== 401 && reply.status !== 407) || !challenge) return reply;
      const nonce = /nonce="([^"]+)"/.exec(challenge[2] ?? '')?.[1] ?? '';
      // The realm is the server's (its domain), whatever host this UA puts in its URIs.
      const realm = /realm="([^"]+)"/.exec(challenge[2] ?? '')?.[1] ?? this.domain;
      const ha1 = digestHa1('MD5', this.user, realm, this.password);
      const response = digestResponse({
        algorithm: 'MD5',
        ha1,
        method,
        uri,
        nonce,
        qop: 'auth',
        nc: '00000001',
        cnonce: 'c1',
      });
      const header = challenge[1] === 'WWW' ? 'Authorization' : 'Proxy-Authorization';
      auth = [
        `${header}: Digest username="${this.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, qop=auth, nc=00000001, cnonce="c1"`,
      ];
    }
    return this.#exchange(method, uri, target, [...extra, ...auth], body);
  }

  register(expires: number): Promise<SipReply> {
    return this.send('REGISTER', `sip:${this.domain}`, {}, [
      `To: <sip:${this.user}@${this.domain}>`,
      `Expires: ${expires}`,
    ]);
  }

  message(to: string, text: string): Promise<SipReply> {
    return this.send('MESSAGE', `sip:${to}@${this.domain}`, {}, ['Content-Type: text/plain'], text);
  }

  async waitForMessage(text: string, timeoutMs = 5000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const found = this.received.find((m) => m.startsWith('MESSAGE ') && m.includes(text));
      if (found) return found;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`${this.user} got no MESSAGE with ${text}`);
  }

  async waitForNotify(predicate: (text: string) => boolean, what: string, timeoutMs = 6000): Promise<string> {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      const index = this.notifies.findIndex(predicate);
      if (index >= 0) return this.notifies.splice(index, 1)[0] as string;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`${this.user}: no NOTIFY ${what}; got:\n${this.notifies.join('\n---\n')}`);
  }

  #exchange(
    method: string,
    uri: string,
    dialog: { callId: string; toTag?: string },
    extra: string[],
    body: string,
  ): Promise<SipReply> {
    const branch = `z9hG4bK${Math.random().toString(36).slice(2)}`;
    const lines = [
      `${method} ${uri} SIP/2.0`,
      `Via: SIP/2.0/UDP 127.0.0.1:${this.port};branch=${branch};rport`,
      'Max-Forwards: 70',
      `From: <sip:${this.user}@${this.domain}>;tag=${this.user}-tag`,
      ...(hasHeader(extra, 'To') ? [] : [`To: <${uri}>${dialog.toTag ? `;tag=${dialog.toTag}` : ''}`]),
      `Call-ID: ${dialog.callId}`,
      `CSeq: ${this.#cseq++} ${method}`,
      ...(hasHeader(extra, 'Contact') ? [] : [`Contact: <sip:${this.user}@127.0.0.1:${this.port}>`]),
      ...extra,
      `Content-Length: ${Buffer.byteLength(body)}`,
    ];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no answer to ${method}`)), 5000);
      this.#waiting.set(branch, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.#socket.send(`${lines.join('\r\n')}\r\n\r\n${body}`, this.server, '127.0.0.1');
    });
  }

  #onMessage(text: string): void {
    const status = /^SIP\/2\.0 (\d{3})/.exec(text);
    if (status) {
      if (Number(status[1]) < 200) return;
      const branch = /branch=([^;\s]+)/.exec(text)?.[1] ?? '';
      this.#waiting.get(branch)?.({ status: Number(status[1]), text });
      this.#waiting.delete(branch);
      return;
    }
    this.received.push(text);
    const isNotify = text.startsWith('NOTIFY ');
    if (isNotify) this.notifies.push(text);
    const code = isNotify ? this.notifyStatus : 200;
    const copied = text.split('\r\n').filter((line) => /^(Via|From|To|Call-ID|CSeq):/i.test(line));
    this.#socket.send(
      `SIP/2.0 ${code} ${code === 200 ? 'OK' : 'Call/Transaction Does Not Exist'}\r\n${copied.join('\r\n')}\r\nContent-Length: 0\r\n\r\n`,
      this.server,
      '127.0.0.1',
    );
  }
}
