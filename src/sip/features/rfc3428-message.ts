/**
 * RFC 3428 (SIP Extension for Instant Messaging): a MESSAGE from an authenticated local user to
 * sip:<user>@<domain> becomes a ChatMessage for the core MessageService (SPEC M1–M3), so it
 * reaches the recipient's XMPP clients and SIP UAs alike; the 'sip' driver sends the other way.
 * https://www.rfc-editor.org/rfc/rfc3428
 *
 * Challenge: 407 Proxy-Authenticate, as Kamailio's proxy_challenge does. For a MESSAGE Herald
 * is the domain's proxy (it forwards to the recipient's contacts, RFC 3428 §6), and RFC 3261
 * §22.3 has proxies challenge with 407, so UAs keep their REGISTER (401) credentials apart.
 */
import { Type } from '@sinclair/typebox';
import { type BareJid, userJid } from '../../core/address/jid.js';
import type { ChatMessage } from '../../core/messaging/chat-message.js';
import type { SendResult } from '../../core/messaging/message-service.js';
import type { SipBindingRecord, UserRecord } from '../../core/ports.js';
import { messageServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { flowOf } from '../registrar/registrar.js';
import { sipEndpoint } from '../registrar/sip-endpoints.js';
import { registrarKey, sipDigestAuthKey } from '../registrar/sip-registrar-module.js';
import { sipDomainKey } from '../sip-domain.js';
import { type SipRequestContext, sipStackKey } from '../sip-stack.js';
import {
  callId,
  contentType,
  paramValue,
  type SipRequest,
  serializeHead,
  withHeaders,
} from '../wire/index.js';
import { SipMessageSender } from './sip-message-driver.js';

const SIP_FORMAT = 'sip';
const OFFLINE_BATCH = 50;

/** RFC 3428 §8: the status a MESSAGE is answered with, from what MessageService did with it. */
export function statusOf(result: SendResult): { status: number; reason: string } {
  switch (result.kind) {
    case 'delivered':
      return { status: 200, reason: 'OK' };
    case 'stored':
      // §7: 202 when the request was accepted but not yet delivered (stored offline).
      return { status: 202, reason: 'Accepted' };
    case 'error':
      return result.condition === 'resource-constraint'
        ? { status: 480, reason: 'Temporarily Unavailable' }
        : { status: 404, reason: 'Not Found' };
    case 'dropped':
      return { status: 480, reason: 'Temporarily Unavailable' };
    case 'refused':
      // SPEC M7 (compliance.required): not accepted while the archive is down; RFC 3261 §21.5.4.
      return { status: 503, reason: 'Service Unavailable' };
    default: {
      const never: never = result;
      return never;
    }
  }
}

/** Refuses bytes that are not UTF-8; a decode without `stream` starts afresh, so one serves all. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a text/plain body, or the status that refuses it (§8: 415 lists what is accepted). */
export function readBody(
  context: Pick<SipRequestContext, 'request'>,
  maxBytes: number,
): { ok: true; text: string } | { ok: false; status: 413 | 415 | 400; reason: string } {
  const { request } = context;
  if (request.body.length > maxBytes) return { ok: false, status: 413, reason: 'Request Entity Too Large' };
  const type = contentType(request);
  if (!type?.ok || type.value.type !== 'text' || type.value.subtype !== 'plain')
    return { ok: false, status: 415, reason: 'Unsupported Media Type' };
  const charset = paramValue(type.value.params, 'charset')?.toLowerCase() ?? 'utf-8';
  if (charset !== 'utf-8' && charset !== 'us-ascii')
    return { ok: false, status: 415, reason: 'Unsupported Media Type' };
  try {
    return { ok: true, text: UTF8.decode(request.body) };
  } catch {
    return { ok: false, status: 400, reason: 'Body Is Not UTF-8' };
  }
}

/** The MESSAGE as it came, for the compliance archive: without Authorization headers. */
export function originalOf(request: SipRequest): string {
  const headers = request.headers.remove('Authorization').remove('Proxy-Authorization');
  // The head is text already: only the body is decoded (as the whole message's bytes would be).
  return serializeHead(withHeaders(request, headers)) + request.body.toString('utf8');
}

export const messageModule = defineModule({
  name: 'sip-message',
  description: 'Instant messages over SIP MESSAGE, through the core message service',
  requires: ['sip-core', 'sip-registrar'],
  specs: ['RFC 3428'],
  options: Type.Object({
    /** RFC 3428 §7: MESSAGE bodies should stay well under a datagram; larger is 413. */
    maxBodyBytes: Type.Integer({ default: 8192, minimum: 256, maximum: 60_000 }),
  }),
  setup(ctx) {
    const stack = ctx.use(sipStackKey);
    const auth = ctx.use(sipDigestAuthKey);
    const registrar = ctx.use(registrarKey);
    const messages = ctx.use(messageServiceKey);
    const domain = ctx.use(sipDomainKey);
    const sender = new SipMessageSender({ stack, registrar, ids: ctx.ids, domain: ctx.domain });
    const offDriver = messages.registerDriver('sip', sender);

    const handle = async (context: SipRequestContext) => {
      const { request, respond } = context;
      const now = ctx.clock.now();
      const sender = await auth.authenticate(
        request,
        respond,
        'proxy',
        flowOf(context)?.remote.address ?? '',
        now,
      );
      if (!sender) return;
      const uri = request.uri;
      // Only this domain's users are reached here (Herald forwards to no other domain yet).
      if (uri.kind !== 'sip' || uri.user === undefined || !domain.serves(uri.host, uri.port))
        return respond(404, 'Not Found');
      // An unknown recipient is the MessageService's 404 (statusOf); it looks the user up.
      const recipient = uri.user.toLowerCase();
      const body = readBody(context, ctx.options.maxBodyBytes);
      if (!body.ok)
        return respond(
          body.status,
          body.reason,
          body.status === 415 ? [{ name: 'Accept', value: 'text/plain' }] : [],
        );
      const message: ChatMessage = {
        id: callId(request),
        from: { address: userJid(sender.username, ctx.domain), endpointId: null },
        to: { address: userJid(recipient, ctx.domain), resource: null },
        type: 'chat',
        body: body.text,
        // RFC 7572 §6 (Table 2): the SIP Call-ID is the XMPP <thread/>.
        thread: callId(request),
        sentAt: now,
        // SPEC M7: the original as it came, less the credentials (RFC 3261 §22.3 digest responses).
        payload: { format: SIP_FORMAT, content: originalOf(request) },
      };
      const { status, reason } = statusOf(await messages.send(message));
      respond(status, reason);
    };

    /** XEP-0160's rule on SIP: offline messages go to a UA when it registers. */
    const deliverOffline = async (user: UserRecord, bindings: readonly SipBindingRecord[]) => {
      const endpoints = bindings.map((binding) => sipEndpoint(user, ctx.domain, binding));
      for (;;) {
        const batch = await messages.takeOffline(user.id, OFFLINE_BATCH);
        const delivered: string[] = [];
        for (const record of batch) {
          const message: ChatMessage = {
            id: record.id,
            from: { address: record.from, endpointId: null },
            to: { address: userJid(user.username, ctx.domain) as BareJid, resource: null },
            type: 'chat',
            body: record.payload.body,
            thread: null,
            sentAt: record.storedAt,
            payload: { format: record.payload.format, content: record.payload.content },
          };
          const results = await Promise.all(endpoints.map((endpoint) => sender.deliver(endpoint, message)));
          if (results.some(Boolean)) delivered.push(record.id);
        }
        await messages.acknowledgeOffline(user.id, delivered);
        if (batch.length < OFFLINE_BATCH || delivered.length < batch.length) return;
      }
    };
    const offRegistered = registrar.onRegistered((user, bindings) => {
      void deliverOffline(user, bindings).catch((error: unknown) =>
        ctx.log.warn({ err: error, user: user.username }, 'offline delivery to SIP failed'),
      );
    });
    const offRequest = stack.onRequest('MESSAGE', handle, ctx.module);
    return () => {
      offRequest();
      offRegistered();
      offDriver();
    };
  },
});
