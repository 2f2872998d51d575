/**
 * XEP-0363: HTTP File Upload — https://xmpp.org/extensions/xep-0363.html
 * The server itself is the upload service: its disco#info carries the feature and the maximum
 * file size (§3), and a slot request IQ (§4) gets a PUT and a GET URL on Herald's own HTTPS
 * listener, or the errors of §5. The HTTP side (http/api/upload-api.ts) serves the URLs; both
 * meet only in the core UploadService.
 */
import { Type } from '@sinclair/typebox';
import type { SlotRefusal, UploadSlot } from '../../core/files/upload-service.js';
import { uploadServiceKey } from '../../core/service-keys.js';
import { listenersKey } from '../../kernel/listeners.js';
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { type IqAnswer, xmppHubKey } from '../xmpp-hub.js';

export const NS_HTTP_UPLOAD = 'urn:xmpp:http:upload:0';
const NS_DATA_FORMS = 'jabber:x:data';

export const uploadModule = defineModule({
  name: 'xmpp-upload',
  description: 'HTTP File Upload slots on the HTTPS listener',
  requires: ['xmpp-core'],
  specs: ['XEP-0363', 'XEP-0128'],
  options: Type.Object({
    publicBaseUrl: Type.String({
      default: '',
      maxLength: 200,
      pattern: '^(https?://[^\\s/?#]+(/[^\\s?#]*)?)?$',
      description:
        'scheme, host, port (and path) clients reach the upload URLs at, e.g. behind a proxy; ' +
        'empty = https://<domain>:<HTTPS port>',
    }),
  }),
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const uploads = ctx.use(uploadServiceKey);
    const listeners = ctx.use(listenersKey);
    const configured = ctx.options.publicBaseUrl.replace(/\/+$/, '');
    // §4: the host MUST provide TLS, so without a base URL the service needs the HTTPS listener.
    if (!configured && ctx.config.http.tlsPort === 0) {
      ctx.log.warn('HTTP File Upload is off: the HTTPS listener is off and no publicBaseUrl is set');
      return;
    }
    const baseUrl = (): string => {
      if (configured) return configured;
      // The bound port: the configured one, or the one the OS chose when tests ask for any.
      const port = listeners.ports.https ?? ctx.config.http.tlsPort;
      return `https://${ctx.domain}${port === 443 ? '' : `:${port}`}`;
    };

    // §3: the feature, and the maximum file size as an XEP-0128 extension form.
    hub.discoFeature('server', NS_HTTP_UPLOAD);
    const offForm = hub.discoExtension(
      'server',
      NS_HTTP_UPLOAD,
      el(
        'x',
        { xmlns: NS_DATA_FORMS, type: 'result' },
        el('field', { var: 'FORM_TYPE', type: 'hidden' }, el('value', NS_HTTP_UPLOAD)),
        el('field', { var: 'max-file-size' }, el('value', String(uploads.limits.maxFileSize))),
      ),
    );

    const offIq = hub.iq(
      'server',
      'get',
      NS_HTTP_UPLOAD,
      async ({ session, payload }) => {
        if (payload.localName !== 'request') return { error: 'bad-request', text: 'expected <request/>' };
        const filename = payload.attr('filename');
        const size = payload.attr('size');
        // §4: the request MUST include the filename and size attributes.
        if (filename === undefined || size === undefined || !/^\d{1,16}$/.test(size))
          return { error: 'bad-request', text: 'a slot request needs a filename and a size in bytes' };
        const outcome = await uploads.requestSlot(
          session.user.id,
          { filename, size: Number(size), contentType: payload.attr('content-type') },
          baseUrl(),
        );
        return outcome.ok ? { result: slotElement(outcome.slot) } : refusalAnswer(outcome.refusal);
      },
      ctx.module,
    );
    return () => {
      offIq();
      offForm();
    };
  },
});

/** §4: the PUT URL with its header fields, and the GET URL. */
function slotElement(slot: UploadSlot): Element {
  return el(
    'slot',
    { xmlns: NS_HTTP_UPLOAD },
    el('put', { url: slot.putUrl }, ...slot.putHeaders.map((h) => el('header', { name: h.name }, h.value))),
    el('get', { url: slot.getUrl }),
  );
}

/** §5: the error conditions of a refused slot. */
function refusalAnswer(refusal: SlotRefusal): IqAnswer {
  switch (refusal.code) {
    case 'invalid-request':
      return { error: 'bad-request', text: refusal.reason };
    case 'file-too-large':
      // §5: not-acceptable (modify), with the maximum in <file-too-large/>.
      return {
        error: 'not-acceptable',
        text: `File too large. The maximum file size is ${refusal.maxFileSize} bytes`,
        application: el(
          'file-too-large',
          { xmlns: NS_HTTP_UPLOAD },
          el('max-file-size', String(refusal.maxFileSize)),
        ),
      };
    case 'quota-exceeded':
      // §5: a temporary error (type wait): space comes back when open slots expire or files go.
      return {
        error: 'resource-constraint',
        text: `Quota reached: ${refusal.usedBytes} of ${refusal.quotaBytes} bytes are in use`,
      };
    case 'rate-limited':
      // §5: <retry/> MUST carry a 'stamp' in XEP-0082 date-time format, in UTC.
      return {
        error: 'resource-constraint',
        text: `Too many uploads: at most ${refusal.slotsPerMinute} a minute`,
        application: el('retry', { xmlns: NS_HTTP_UPLOAD, stamp: xep0082DateTime(refusal.retryAt) }),
      };
    default: {
      const never: never = refusal;
      return never;
    }
  }
}

/** XEP-0082 §3.2 DateTime in UTC, to the second, rounded up so a retry at the stamp succeeds. */
function xep0082DateTime(ms: number): string {
  return new Date(Math.ceil(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}
