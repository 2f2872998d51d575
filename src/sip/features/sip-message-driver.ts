/**
 * RFC 3428 §4 — sending a MESSAGE request to a registered SIP UA: the core's 'sip' message
 * driver. The request goes over the flow the binding registered on (or a new one to its contact)
 * through a non-INVITE client transaction; delivered means the UA answered 2xx (§7).
 * https://www.rfc-editor.org/rfc/rfc3428#section-4
 */
import type { ChatMessage } from '../../core/messaging/chat-message.js';
import type { Endpoint, SipBindingRecord } from '../../core/ports.js';
import { HeraldError } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import type { Registrar } from '../registrar/registrar.js';
import type { SipStack } from '../sip-stack.js';
import type { Flow, TransportName } from '../transport/index.js';
import { parseUri, SipHeaders, type SipRequest } from '../wire/index.js';

export interface SipMessageSenderOptions {
  readonly stack: SipStack;
  readonly registrar: Pick<Registrar, 'bindingFor'>;
  readonly ids: IdSource;
  readonly domain: string;
}

const TRANSPORTS: readonly TransportName[] = ['udp', 'tcp', 'tls', 'ws', 'wss'];

/** The sender as a SIP URI: a bare JID of any domain becomes sip:local@domain. */
export function senderUri(address: string): string {
  return address.startsWith('sip:') || address.startsWith('sips:') ? address : `sip:${address}`;
}

/** A thread that is a valid Call-ID (RFC 3261 §25.1 `word ["@" word]`), else null. */
export function callIdFor(thread: string | null): string | null {
  if (thread === null || thread.length === 0 || thread.length > 128) return null;
  return /^[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+(@[A-Za-z0-9\-.!%*_+`'~()<>:\\"/[\]?{}]+)?$/.test(thread)
    ? thread
    : null;
}

export class SipMessageSender {
  readonly #o: SipMessageSenderOptions;

  constructor(options: SipMessageSenderOptions) {
    this.#o = options;
  }

  /** True once the UA behind `endpoint` answered the MESSAGE with a 2xx. */
  async deliver(endpoint: Endpoint, message: ChatMessage): Promise<boolean> {
    if (message.body === null) return false; // a chat state or receipt: nothing to show on a phone
    const binding = await this.#o.registrar.bindingFor(endpoint);
    if (!binding) return false;
    const flow = await this.#flowTo(binding);
    if (!flow) return false;
    return this.#send(this.#request(binding, endpoint, message, flow), flow);
  }

  async #flowTo(binding: SipBindingRecord): Promise<Flow | undefined> {
    const { transports } = this.#o.stack;
    const kept = binding.flowId === null ? undefined : transports.flows.get(binding.flowId);
    if (kept?.isOpen) return kept;
    // The connection went (or the server restarted): reach the contact itself (RFC 3261 §8.1.2).
    const uri = parseUri(binding.contact);
    if (!uri.ok || uri.value.kind !== 'sip') return undefined;
    const transport = TRANSPORTS.find((name) => name === binding.transport) ?? 'udp';
    const connected = await transports.connect({
      transport,
      address: uri.value.host.replace(/^\[|\]$/g, ''),
      port: uri.value.port ?? (transport === 'tls' ? 5061 : 5060),
    });
    return connected.ok ? connected.flow : undefined;
  }

  #request(binding: SipBindingRecord, endpoint: Endpoint, message: ChatMessage, flow: Flow): SipRequest {
    const uri = parseUri(binding.contact);
    if (!uri.ok)
      throw new HeraldError('HERALD_ERR_INTERNAL', `stored contact ${binding.contact} does not parse`);
    const { ids } = this.#o;
    const body = Buffer.from(message.body ?? '', 'utf8');
    const host = flow.local.address.includes(':') ? `[${flow.local.address}]` : flow.local.address;
    return {
      kind: 'request',
      method: 'MESSAGE',
      uri: uri.value,
      headers: new SipHeaders([
        // §8.1.1.7: a branch starting with the magic cookie; rport for NATed UAs (RFC 3581).
        {
          name: 'Via',
          value: `SIP/2.0/${flow.transport.toUpperCase()} ${host}:${flow.local.port};branch=z9hG4bK${ids.next()};rport`,
        },
        { name: 'Max-Forwards', value: '70' },
        { name: 'From', value: `<${senderUri(message.from.address)}>;tag=${ids.next()}` },
        { name: 'To', value: `<sip:${endpoint.address}>` },
        // RFC 7572 §5 (Table 1): the XMPP <thread/> is the SIP Call-ID.
        { name: 'Call-ID', value: callIdFor(message.thread) ?? `${ids.next()}@${this.#o.domain}` },
        { name: 'CSeq', value: '1 MESSAGE' },
        // RFC 3428 §4: the body is the message; Herald's text is UTF-8.
        { name: 'Content-Type', value: 'text/plain;charset=UTF-8' },
        { name: 'Content-Length', value: String(body.length) },
      ]),
      body,
    };
  }

  #send(request: SipRequest, flow: Flow): Promise<boolean> {
    return new Promise((resolve) => {
      const sent = this.#o.stack.transactions.sendRequest(request, flow, {
        responseReceived: (response) => {
          if (response.status >= 200) resolve(response.status < 300);
        },
        failed: () => resolve(false),
        terminated: () => resolve(false),
      });
      if (!sent.ok) resolve(false);
    });
  }
}
