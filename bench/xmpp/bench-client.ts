/**
 * One raw XMPP client connection for the load generator, RFC 6120
 * (https://www.rfc-editor.org/rfc/rfc6120): TCP without TLS, SASL SCRAM-SHA-1 (§6), resource
 * binding (§7), then stanzas as text. No XMPP library, so that the numbers are the server's.
 */
import { connect, type Socket } from 'node:net';
import { ScramSha1Client } from './scram-sha1-client.js';
import { StanzaScanner } from './stanza-scanner.js';
import { attribute, childText, elementName, escapeXml, ownText } from './xml-peek.js';

export interface Account {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  readonly username: string;
  readonly password: string;
  readonly resource: string;
}

export type LoginResult =
  | { readonly ok: true; readonly client: BenchClient; readonly ms: number }
  | { readonly ok: false; readonly reason: string; readonly ms: number };

const NS_SASL = 'urn:ietf:params:xml:ns:xmpp-sasl';
const NS_BIND = 'urn:ietf:params:xml:ns:xmpp-bind';

type Phase = 'features' | 'challenge' | 'outcome' | 'bind-features' | 'bind' | 'bound';

const header = (domain: string) =>
  `<?xml version='1.0'?><stream:stream to='${escapeXml(domain)}' version='1.0' xml:lang='en' ` +
  `xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>`;

const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

export class BenchClient {
  readonly account: Account;
  /** The full JID the server bound (§7.6.1). */
  jid = '';
  /** Called for every first-level element after binding. */
  onStanza: (xml: string) => void = () => {};
  readonly #socket: Socket;
  readonly #scanner: StanzaScanner;
  #phase: Phase = 'features';
  #isClosed = false;
  #closedListeners: (() => void)[] = [];
  #loginDone: ((failure: string | null) => void) | null = null;
  readonly #scram: ScramSha1Client;

  private constructor(account: Account, socket: Socket) {
    this.account = account;
    this.#scram = new ScramSha1Client(account.username, account.password);
    this.#socket = socket;
    this.#scanner = new StanzaScanner({
      header: () => {},
      element: (xml) => this.#element(xml),
      closed: () => this.#fail('the server closed the stream'),
    });
  }

  /** Connects, authenticates and binds; never rejects (failures are values). */
  static login(account: Account, timeoutMs = 30_000): Promise<LoginResult> {
    const started = performance.now();
    return new Promise((resolve) => {
      const socket = connect({ host: account.host, port: account.port, noDelay: true });
      const client = new BenchClient(account, socket);
      const timer = setTimeout(() => client.#fail(`no login within ${timeoutMs} ms`), timeoutMs);
      client.#loginDone = (failure) => {
        clearTimeout(timer);
        client.#loginDone = null;
        const ms = performance.now() - started;
        if (failure === null) resolve({ ok: true, client, ms });
        else {
          client.destroy();
          resolve({ ok: false, reason: failure, ms });
        }
      };
      socket.on('connect', () => socket.write(header(account.domain)));
      socket.on('data', (chunk) => client.#scanner.push(chunk));
      socket.on('error', (error) => client.#fail(error.message));
      socket.on('close', () => client.#closed());
    });
  }

  get isClosed(): boolean {
    return this.#isClosed;
  }

  send(xml: string): void {
    if (!this.#isClosed) this.#socket.write(xml);
  }

  /** A whitespace keepalive (RFC 6120 §4.6.1). */
  keepalive(): void {
    this.send(' ');
  }

  onClosed(listener: () => void): void {
    if (this.#isClosed) listener();
    else this.#closedListeners.push(listener);
  }

  /** Closes the stream (§4.4) and waits for the connection to end (at most `timeoutMs`). */
  close(timeoutMs = 5000): Promise<void> {
    if (this.#isClosed) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.destroy();
        resolve();
      }, timeoutMs);
      this.onClosed(() => {
        clearTimeout(timer);
        resolve();
      });
      this.#socket.end('</stream:stream>');
    });
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #element(xml: string) {
    if (this.#phase === 'bound') {
      this.onStanza(xml);
      return;
    }
    const name = elementName(xml);
    if (name === 'stream:error') return this.#fail(`stream error: ${xml.slice(0, 300)}`);
    switch (this.#phase) {
      case 'features':
        if (name !== 'stream:features') return;
        if (!xml.includes('>SCRAM-SHA-1<'))
          return this.#fail(`SCRAM-SHA-1 not offered: ${xml.slice(0, 300)}`);
        this.#phase = 'challenge';
        this.send(`<auth xmlns='${NS_SASL}' mechanism='SCRAM-SHA-1'>${base64(this.#scram.first())}</auth>`);
        return;
      case 'challenge': {
        if (name !== 'challenge') return this.#fail(`SASL: ${xml.slice(0, 300)}`);
        const step = this.#scram.final(Buffer.from(ownText(xml), 'base64').toString('utf8'));
        if (!step.ok) return this.#fail(`SCRAM: ${step.reason}`);
        this.#phase = 'outcome';
        this.send(`<response xmlns='${NS_SASL}'>${base64(step.value)}</response>`);
        return;
      }
      case 'outcome': {
        if (name !== 'success') return this.#fail(`SASL: ${xml.slice(0, 300)}`);
        // RFC 6120 §6.3.10: additional data with success carries the server-final-message.
        const verified = this.#scram.verify(Buffer.from(ownText(xml), 'base64').toString('utf8'));
        if (!verified.ok) return this.#fail(`SCRAM: ${verified.reason}`);
        this.#phase = 'bind-features';
        this.#scanner.restart(); // §6.4.6: both sides start a new stream
        this.send(header(this.account.domain));
        return;
      }
      case 'bind-features':
        if (name !== 'stream:features') return;
        this.#phase = 'bind';
        this.send(
          `<iq type='set' id='bind1'><bind xmlns='${NS_BIND}'><resource>${escapeXml(this.account.resource)}</resource></bind></iq>`,
        );
        return;
      case 'bind':
        if (name !== 'iq' || attribute(xml, 'id') !== 'bind1') return;
        if (attribute(xml, 'type') !== 'result') return this.#fail(`bind: ${xml.slice(0, 300)}`);
        this.jid = childText(xml, 'jid') ?? '';
        this.#phase = 'bound';
        this.#loginDone?.(null);
        return;
      default:
        return;
    }
  }

  #fail(reason: string): void {
    if (this.#loginDone) this.#loginDone(reason);
    else if (this.#phase === 'bound' && !this.#isClosed) this.destroy();
  }

  #closed(): void {
    this.#isClosed = true;
    this.#fail('the connection closed');
    for (const listener of this.#closedListeners.splice(0)) listener();
  }
}
