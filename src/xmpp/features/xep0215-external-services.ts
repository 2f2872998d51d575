/**
 * XEP-0215: External Service Discovery — https://xmpp.org/extensions/xep-0215.html
 * Tells clients the STUN/TURN servers to use for calls. For TURN with a shared secret (coturn's
 * use-auth-secret, the "TURN REST API"), each request gets short-lived credentials:
 * username = "<expiry>:<user>", password = base64(HMAC-SHA1(secret, username)).
 * Nothing is advertised when no service is configured.
 */
import { createHmac } from 'node:crypto';
import { type Static, Type } from '@sinclair/typebox';
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { xmppHubKey } from '../xmpp-hub.js';

export const NS_EXTDISCO = 'urn:xmpp:extdisco:2';

const ServiceSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('stun'), Type.Literal('turn'), Type.Literal('turns')]),
    host: Type.String({ minLength: 1, maxLength: 253 }),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    transport: Type.Optional(Type.Union([Type.Literal('udp'), Type.Literal('tcp')])),
    secret: Type.Optional(
      Type.String({ minLength: 16, description: 'TURN shared secret (use-auth-secret)' }),
    ),
  },
  { additionalProperties: false },
);
type Service = Static<typeof ServiceSchema>;

export function turnCredentials(secret: string, username: string, now: number, ttlSeconds: number) {
  const expires = Math.floor(now / 1000) + ttlSeconds;
  const user = `${expires}:${username}`;
  return { username: user, password: createHmac('sha1', secret).update(user).digest('base64'), expires };
}

export const externalServicesModule = defineModule({
  name: 'xmpp-external-services',
  description: 'STUN and TURN servers for clients, with temporary TURN credentials',
  requires: ['xmpp-core'],
  specs: ['XEP-0215'],
  options: Type.Object({
    services: Type.Array(ServiceSchema, { default: [], maxItems: 20 }),
    credentialTtlSeconds: Type.Integer({ default: 86_400, minimum: 60, maximum: 604_800 }),
  }),
  setup(ctx) {
    const services = ctx.options.services as Service[];
    if (services.length === 0) return;
    const hub = ctx.use(xmppHubKey);
    hub.discoFeature('server', NS_EXTDISCO);
    const describe = (service: Service, username: string): Element => {
      const creds =
        service.secret && service.type !== 'stun'
          ? turnCredentials(service.secret, username, ctx.clock.now(), ctx.options.credentialTtlSeconds)
          : null;
      return el('service', {
        type: service.type,
        host: service.host,
        port: String(service.port),
        transport: service.transport,
        restricted: creds ? '1' : undefined,
        username: creds?.username,
        password: creds?.password,
        expires: creds ? new Date(creds.expires * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : undefined,
      });
    };
    const offServices = hub.iq(
      'server',
      'get',
      NS_EXTDISCO,
      async ({ payload, session }) => {
        const wanted = payload.attr('type');
        const list = services.filter((s) => wanted === undefined || s.type === wanted);
        if (payload.localName === 'credentials') {
          // §3.3: credentials for one named service.
          const asked = payload.getChild('service');
          const match = list.find(
            (s) => s.host === asked?.attr('host') && (asked?.attr('type') ?? s.type) === s.type,
          );
          if (!match) return { error: 'item-not-found' };
          return {
            result: el('credentials', { xmlns: NS_EXTDISCO }, describe(match, session.user.username)),
          };
        }
        if (payload.localName !== 'services') return { error: 'bad-request' };
        return {
          result: el(
            'services',
            { xmlns: NS_EXTDISCO, type: wanted },
            ...list.map((s) => describe(s, session.user.username)),
          ),
        };
      },
      ctx.module,
    );
    return offServices;
  },
});
