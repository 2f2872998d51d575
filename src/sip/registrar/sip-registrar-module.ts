/**
 * RFC 3261 §10 (Registrations) with digest authentication (§22, RFC 8760): the registrar of the
 * served domain, its bindings in the LocationStore, each a SIP Endpoint in the SessionRegistry.
 * https://www.rfc-editor.org/rfc/rfc3261#section-10
 */
import { Type } from '@sinclair/typebox';
import { accountServiceKey, authServiceKey, sessionRegistryKey, storeKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { serviceKey } from '../../kernel/services.js';
import { DigestNonces } from '../auth/digest-nonces.js';
import { SipDigestAuth } from '../auth/sip-digest-auth.js';
import { sipDomainKey } from '../sip-domain.js';
import { sipStackKey } from '../sip-stack.js';
import { Registrar } from './registrar.js';
import { WriteBehindLocation } from './write-behind-location.js';

export const registrarKey = serviceKey<Registrar>('sip.registrar');
/** The domain's digest authenticator, for every SIP feature that challenges (MESSAGE, SUBSCRIBE …). */
/** The bindings every SIP feature reads (in memory, written behind to the store: ADR 0009). */
export const locationKey = serviceKey<WriteBehindLocation>('sip.location');
export const sipDigestAuthKey = serviceKey<SipDigestAuth>('sip.digest-auth');

export const registrarModule = defineModule({
  name: 'sip-registrar',
  description: 'REGISTER with digest authentication; bindings kept in the location store',
  requires: ['sip-core'],
  specs: ['RFC 3261 §10', 'RFC 3261 §22', 'RFC 8760', 'RFC 7616'],
  options: Type.Object({
    /** §10.3 step 6: when neither the contact nor the request says. */
    defaultExpires: Type.Integer({ default: 3600, minimum: 60, maximum: 86_400 }),
    /** §10.3 step 6: shorter requests get 423 Interval Too Brief (§10.2.8: at least 60 s is sane). */
    minExpires: Type.Integer({ default: 60, minimum: 1, maximum: 3600 }),
    /** Longer requests are shortened to this (§10.3 step 6 lets the registrar). */
    maxExpires: Type.Integer({ default: 7200, minimum: 60, maximum: 604_800 }),
    /** Bindings per user; more is 403. */
    maxContacts: Type.Integer({ default: 10, minimum: 1, maximum: 100 }),
    /** A nonce older than this is stale (RFC 7616 §3.3): the UA retries without a password prompt. */
    nonceMaxAgeMs: Type.Integer({ default: 300_000, minimum: 10_000, maximum: 3_600_000 }),
    /**
     * COMPAT: User-Agent prefixes of UAs that read only the first challenge and know only MD5
     * (RFC 8760 §2.4 has them pick the first they support; baresip 1.0's libre fails the
     * REGISTER with ENOSYS on a SHA-256 challenge first, sipsak 0.9 computes MD5 whatever it reads).
     */
    md5OnlyUserAgents: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      default: ['sipsak', 'baresip'],
      maxItems: 32,
    }),
    /**
     * How long a looked-up user and their HA1s are reused by digest authentication. A password
     * changed or a user removed through this server is forgotten at once; through another process
     * (the admin CLI, another node) after at most this. 0: every request reads the store.
     */
    credentialCacheMs: Type.Integer({ default: 10_000, minimum: 0, maximum: 300_000 }),
    /** Users kept by that cache at most. */
    credentialCacheEntries: Type.Integer({ default: 10_000, minimum: 1, maximum: 1_000_000 }),
    /** How often expired bindings are deleted from the store. */
    purgeIntervalMs: Type.Integer({ default: 600_000, minimum: 10_000, maximum: 86_400_000 }),
    /**
     * How long a binding change may wait before it is written to the store (ADR 0009): what a
     * crash can lose; a stop writes everything first. Reads never wait: bindings live in memory.
     */
    bindingWriteDelayMs: Type.Integer({ default: 1000, minimum: 0, maximum: 60_000 }),
    /** Live bindings read back and turned into endpoints at start. */
    restoreLimit: Type.Integer({ default: 10_000, minimum: 0, maximum: 1_000_000 }),
  }),
  async setup(ctx) {
    const stack = ctx.use(sipStackKey);
    const store = ctx.use(storeKey);
    const { options } = ctx;
    const auth = new SipDigestAuth({
      realm: ctx.domain,
      // One process: a secret per start (a restart costs each UA one more 401).
      nonces: new DigestNonces({
        secret: ctx.ids.randomBytes(32),
        maxAgeMs: options.nonceMaxAgeMs,
        random: (bytes) => ctx.ids.randomBytes(bytes),
      }),
      accounts: store.accounts,
      throttle: ctx.use(authServiceKey),
      md5OnlyUserAgents: options.md5OnlyUserAgents,
      credentialCache: {
        ttlMs: options.credentialCacheMs,
        maxEntries: options.credentialCacheEntries,
        clock: ctx.clock,
      },
    });
    const location = new WriteBehindLocation({
      store: store.location,
      clock: ctx.clock,
      log: ctx.log,
      flushMs: options.bindingWriteDelayMs,
    });
    await location.load(options.restoreLimit);
    const registrar = new Registrar({
      domain: ctx.use(sipDomainKey),
      clock: ctx.clock,
      log: ctx.log,
      auth,
      location,
      accounts: store.accounts,
      sessions: ctx.use(sessionRegistryKey),
      policy: {
        defaultExpires: options.defaultExpires,
        minExpires: options.minExpires,
        maxExpires: Math.max(options.maxExpires, options.minExpires),
        maxContacts: options.maxContacts,
      },
    });
    ctx.use(accountServiceKey).onCredentialsChanged((user) => {
      auth.forgetUser(user.id);
      // A removed user's bindings go (the store removed its rows with the user).
      void store.accounts
        .findUserById(user.id)
        .then((found) => (found ? undefined : registrar.forgetUser(user)))
        .catch((error: unknown) =>
          ctx.log.warn({ err: error }, 'forgetting a removed user’s bindings failed'),
        );
    });
    ctx.provide(sipDigestAuthKey, auth);
    ctx.provide(locationKey, location);
    ctx.provide(registrarKey, registrar);
    await registrar.restore(options.restoreLimit);
    const purge = ctx.clock.setInterval(() => {
      location.purgeExpired(ctx.clock.now()).catch((error: unknown) => {
        ctx.log.warn({ err: error }, 'purging expired SIP bindings failed');
      });
    }, options.purgeIntervalMs);
    const off = stack.onRequest('REGISTER', (context) => registrar.handle(context), ctx.module);
    return async () => {
      off();
      purge.cancel();
      registrar.close();
      await location.close();
    };
  },
});
