/**
 * Real third-party XMPP clients for interop tests: @xmpp/client (xmpp.js) and stanza (StanzaJS),
 * plus a raw socket for what no polite client would send.
 */
import { connect as connectTcp, type Socket } from 'node:net';
import { connect as connectTls } from 'node:tls';
import { type XmppJsClient, client as xmppClient } from '@xmpp/client';
import * as Stanza from 'stanza';
import { DEMO_PASSWORD } from './test-server.js';

export type { XmppJsClient };

/** Test servers use a self-signed certificate; these clients are told to accept it. */
export function allowSelfSigned(): void {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
}

export async function xmppJs(options: {
  service: string;
  username: string;
  password: string;
  resource?: string;
}): Promise<XmppJsClient> {
  const client = xmppClient({ ...options, domain: 'localhost' });
  client.on('error', () => {}); // errors surface through start() and the assertions
  // Tests decide when to reconnect; a client that reconnects by itself outlives its test.
  client.reconnect.stop();
  await withTimeout(client.start(), 10_000, `xmpp.js login of ${options.username}`);
  return client;
}

export async function stanzaClient(options: {
  url: string;
  jid: string;
  password: string;
  resource?: string;
}): Promise<Stanza.Agent> {
  const client = Stanza.createClient({
    jid: options.jid,
    password: options.password,
    ...(options.resource ? { resource: options.resource } : {}),
    transports: { websocket: options.url, bosh: false },
  });
  const online = new Promise<void>((resolve, reject) => {
    client.once('session:started', () => resolve());
    client.once('auth:failed', () => reject(new Error(`auth failed for ${options.jid}`)));
    client.once('disconnected', () => reject(new Error(`disconnected before login: ${options.jid}`)));
  });
  client.connect();
  await withTimeout(online, 10_000, `stanza login of ${options.jid}`);
  return client;
}

export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
    }),
  ]);
}

/** A raw connection that records everything the server says. */
export interface RawXmpp {
  send(text: string): void;
  received(): string;
  waitFor(pattern: RegExp, ms?: number): Promise<string>;
  closed: Promise<void>;
  socket: Socket;
}

export function rawXmpp(port: number, options: { tls?: boolean } = {}): Promise<RawXmpp> {
  return new Promise((resolve, reject) => {
    const socket: Socket = options.tls
      ? connectTls({ port, host: '127.0.0.1', rejectUnauthorized: false })
      : connectTcp({ port, host: '127.0.0.1' });
    let text = '';
    const waiters: (() => void)[] = [];
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      text += chunk;
      for (const w of waiters.splice(0)) w();
    });
    socket.on('error', () => {});
    const closed = new Promise<void>((r) => socket.once('close', () => r()));
    socket.once(options.tls ? 'secureConnect' : 'connect', () =>
      resolve({
        socket,
        closed,
        send: (t) => socket.write(t),
        received: () => text,
        waitFor(pattern, ms = 5000) {
          return withTimeout(
            new Promise<string>((res) => {
              const check = () => (pattern.test(text) ? res(text) : waiters.push(check));
              check();
            }),
            ms,
            `raw XMPP waiting for ${pattern}; got: ${text.slice(-500)}`,
          );
        },
      }),
    );
    socket.once('error', reject);
  });
}

export const STREAM_HEADER =
  "<?xml version='1.0'?><stream:stream to='localhost' version='1.0' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

import xmlElement, { type XmlElement } from '@xmpp/xml';

/** Collects every stanza a client receives, so a test can wait for the one it expects. */
export class Inbox {
  readonly stanzas: XmlElement[] = [];
  readonly #waiters: (() => void)[] = [];

  constructor(client: XmppJsClient) {
    client.on('stanza', (stanza) => {
      this.stanzas.push(stanza);
      for (const w of this.#waiters.splice(0)) w();
    });
  }

  /** The first stanza (received so far or later) matching `predicate`, taken out of the inbox. */
  take(predicate: (stanza: XmlElement) => boolean, what: string, ms = 5000): Promise<XmlElement> {
    return withTimeout(
      new Promise<XmlElement>((resolve) => {
        const check = () => {
          const index = this.stanzas.findIndex(predicate);
          if (index >= 0) resolve(this.stanzas.splice(index, 1)[0] as XmlElement);
          else this.#waiters.push(check);
        };
        check();
      }),
      ms,
      `${what}; inbox: ${this.stanzas.map(String).join('\n')}`,
    );
  }

  /** Whether a matching stanza arrives within `ms` (for "does NOT get it" checks, bounded). */
  async arrives(predicate: (stanza: XmlElement) => boolean, ms = 500): Promise<boolean> {
    try {
      await this.take(predicate, 'optional', ms);
      return true;
    } catch {
      return false;
    }
  }
}

export const isMessage = (body: string) => (s: XmlElement) =>
  s.name === 'message' && s.getChildText('body') === body;
export const isPresenceFrom = (from: string, type?: string) => (s: XmlElement) =>
  s.name === 'presence' && s.attrs.from === from && s.attrs.type === type;

/**
 * The xmpp.js clients one test file logs in against one server; `stopAll()` in `after` ends them.
 * `port` is read at login time, so a server restarted mid-file is reached on its new port.
 */
export class XmppCast {
  readonly #clients: XmppJsClient[] = [];
  readonly #port: () => number;

  constructor(port: () => number) {
    this.#port = port;
  }

  /** Logs in; with `available` (the default) also sends initial presence. */
  async login(username: string, resource: string, options: { password?: string; available?: boolean } = {}) {
    const client = await xmppJs({
      service: `xmpp://127.0.0.1:${this.#port()}`,
      username,
      password: options.password ?? DEMO_PASSWORD,
      resource,
    });
    this.#clients.push(client);
    const inbox = new Inbox(client);
    if (options.available ?? true) await client.send(xmlElement('presence'));
    return { client, inbox };
  }

  async stopAll(): Promise<void> {
    for (const client of this.#clients.splice(0)) await client.stop().catch(() => {});
  }
}
