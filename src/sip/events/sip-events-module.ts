/**
 * The SIP event framework (RFC 6665) with the `presence` package (RFC 3856) and PUBLISH (RFC 3903)
 * as one module: SUBSCRIBE and PUBLISH handlers on the SIP stack, the core PresenceService behind
 * them, and registered devices as presence sources (registration-presence.ts). Other packages (dialog) register with `sipEventServerKey`.
 */
import { Type } from '@sinclair/typebox';
import {
  callRegistryKey,
  messageWaitingKey,
  presenceServiceKey,
  rosterEffectsRelayKey,
  rosterServiceKey,
  sessionRegistryKey,
} from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { serviceKey } from '../../kernel/services.js';
import { locationKey, sipDigestAuthKey } from '../registrar/sip-registrar-module.js';
import { sipDomainKey } from '../sip-domain.js';
import { sipStackKey } from '../sip-stack.js';
import { EventServer } from './event-server.js';
import { RegistrationPresence } from './registration-presence.js';
import { MessageSummaryPackage } from './rfc3842-message-summary-package.js';
import { PRESENCE_EVENT, PresencePackage } from './rfc3856-presence-package.js';
import { PublishHandler } from './rfc3903-publish.js';
import { DIALOG_EVENT, DialogPackage } from './rfc4235-dialog-package.js';
import { WatchAuthorization } from './watch-authorization.js';

export const sipEventServerKey = serviceKey<EventServer>('sip.events');

export const sipEventsModule = defineModule({
  name: 'sip-events',
  description:
    'SUBSCRIBE/NOTIFY (presence, dialog, message-summary) and PUBLISH, served from the core presence service, call registry and message-waiting counts',
  requires: ['sip-core', 'sip-registrar'],
  specs: ['RFC 6665', 'RFC 3856', 'RFC 3903', 'RFC 3863', 'RFC 4480', 'RFC 4235', 'RFC 3842'],
  options: Type.Object({
    /** RFC 6665 §4.2.1.1: shorter SUBSCRIBE/PUBLISH Expires get 423 with Min-Expires. */
    minExpires: Type.Integer({ default: 60, minimum: 1, maximum: 3600 }),
    /** Longer requests are shortened to this. */
    maxExpires: Type.Integer({ default: 3600, minimum: 60, maximum: 86_400 }),
    /** RFC 3856 §6.4: the presence package's default duration. */
    defaultExpires: Type.Integer({ default: 3600, minimum: 60, maximum: 86_400 }),
    /** Subscriptions one user may hold as subscriber. */
    maxSubscriptionsPerUser: Type.Integer({ default: 200, minimum: 1, maximum: 10_000 }),
    /** Subscriptions from one source address. */
    maxSubscriptionsPerSource: Type.Integer({ default: 1000, minimum: 1, maximum: 100_000 }),
    /** Publications one user may hold. */
    maxPublicationsPerUser: Type.Integer({ default: 10, minimum: 1, maximum: 100 }),
    maxPublishBodyBytes: Type.Integer({ default: 16_384, minimum: 512, maximum: 65_536 }),
    /** How often pending presence subscriptions ask the watch policy again (an approval made on XMPP). */
    pendingRecheckMs: Type.Integer({ default: 2000, minimum: 200, maximum: 600_000 }),
    /** A SIP user's SUBSCRIBE to someone who asked to see them approves that request. */
    subscribeApprovesRequest: Type.Boolean({ default: true }),
  }),
  setup(ctx) {
    const { options } = ctx;
    const stack = ctx.use(sipStackKey);
    const auth = ctx.use(sipDigestAuthKey);
    const presence = ctx.use(presenceServiceKey);
    const roster = ctx.use(rosterServiceKey);
    const relay = ctx.use(rosterEffectsRelayKey);
    const policy = {
      minExpires: options.minExpires,
      maxExpires: Math.max(options.maxExpires, options.minExpires),
      defaultExpires: Math.min(Math.max(options.defaultExpires, options.minExpires), options.maxExpires),
    };
    const server = new EventServer({
      stack,
      auth,
      // The presentity of each SUBSCRIBE: a user looked up moments ago, in SipDigestAuth's cache.
      accounts: { findUserByName: (name) => auth.userNamed(name) },
      clock: ctx.clock,
      ids: ctx.ids,
      log: ctx.log,
      domain: ctx.use(sipDomainKey),
      policy,
      maxPerUser: options.maxSubscriptionsPerUser,
      maxPerSource: options.maxSubscriptionsPerSource,
    });
    const watch = new WatchAuthorization({
      presence,
      log: ctx.log,
      // RFC 6121 §3.1.1–3.1.2: the same request an XMPP subscribe makes; the owner's answer (on
      // XMPP, SIP or the web) is the watch policy's.
      requestSubscription: async (watcherId, ownerAddress) => {
        // A SIP UA has no way to answer a presence request (RFC 3856 §6.6 leaves authorization
        // to the server): subscribing to someone who asked to see you approves them, as adding a
        // requester back does in XMPP clients (RFC 6121 §3.1.5 approval, sent for the user).
        const asked = options.subscribeApprovesRequest ? await roster.pendingRequests(watcherId) : [];
        if (asked.some((request) => request.from === ownerAddress))
          relay.announce(await roster.approve(watcherId, ownerAddress), 'sip');
        relay.announce(await roster.subscribe(watcherId, ownerAddress), 'sip');
      },
    });
    const presencePackage = new PresencePackage(presence, watch);
    const dialogPackage = new DialogPackage(ctx.use(callRegistryKey), watch, ctx.clock);
    const offPackage = server.registerPackage(presencePackage);
    const offAttach = presencePackage.attach(server);
    const offDialog = server.registerPackage(dialogPackage);
    const offDialogAttach = dialogPackage.attach(server);
    // RFC 3842: the message-waiting lamp, from the core counts the mailboxes set.
    const summaryPackage = new MessageSummaryPackage(ctx.use(messageWaitingKey));
    const offSummary = server.registerPackage(summaryPackage);
    const offSummaryAttach = summaryPackage.attach(server);
    const publish = new PublishHandler({
      presence,
      auth,
      clock: ctx.clock,
      ids: ctx.ids,
      domain: ctx.use(sipDomainKey),
      policy,
      maxPerUser: options.maxPublicationsPerUser,
      maxBodyBytes: options.maxPublishBodyBytes,
      onPublishersChanged: (userId) => void registrations.refresh(userId),
    });
    // REGISTER as a presence source: a registered device that publishes nothing shows its user
    // as reachable (docs/presence.md rule 9).
    const registrations: RegistrationPresence = new RegistrationPresence({
      presence,
      sessions: ctx.use(sessionRegistryKey),
      hasPublications: (userId) => publish.hasPublications(userId),
      clock: ctx.clock,
      log: ctx.log,
    });
    registrations.start();
    // The registrar restored the stored bindings before this module started: count them too.
    void ctx
      .use(locationKey)
      .liveBindings(ctx.clock.now(), 100_000)
      .then((bindings) => {
        for (const userId of new Set(bindings.map((b) => b.userId))) void registrations.refresh(userId);
      })
      .catch((error: unknown) => ctx.log.warn({ err: error }, 'restored SIP registrations not in presence'));
    // Pending watchers ask the policy again when another adapter changed a roster (an approval
    // on XMPP turns the SIP subscription active now), and now and then for what no adapter says.
    const recheckPending = () => {
      for (const eventName of [PRESENCE_EVENT, DIALOG_EVENT])
        for (const owner of server.pendingOwners(eventName))
          server
            .reauthorize(owner, eventName)
            .catch((error: unknown) => ctx.log.warn({ err: error }, 'SIP watcher re-authorization failed'));
    };
    const recheck = ctx.clock.setInterval(recheckPending, options.pendingRecheckMs);
    const offRelay = relay.onEffects((_effects, origin) => {
      if (origin !== 'sip') recheckPending();
    });
    ctx.provide(sipEventServerKey, server);
    const offSubscribe = stack.onRequest('SUBSCRIBE', (context) => server.handle(context), ctx.module);
    const offPublish = stack.onRequest('PUBLISH', (context) => publish.handle(context), ctx.module);
    return () => {
      offSubscribe();
      offPublish();
      recheck.cancel();
      offRelay();
      offAttach();
      offPackage();
      offDialogAttach();
      offDialog();
      offSummaryAttach();
      offSummary();
      registrations.close();
      publish.close();
      server.close();
    };
  },
});
