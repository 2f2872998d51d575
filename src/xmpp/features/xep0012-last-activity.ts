/**
 * XEP-0012: Last Activity — https://xmpp.org/extensions/xep-0012.html — the offline user query
 * (§4: seconds since the user's last logout and the status they left, kept in the store) and the
 * server's uptime (§5). Queries to a full JID (§6) pass through to the client by the hub's routing.
 */
import { jidLocal } from '../../core/address/jid.js';
import { rosterServiceKey, storeKey } from '../../core/service-keys.js';
import { isHeraldError } from '../../kernel/errors.js';
import { defineModule } from '../../kernel/module.js';
import { type Element, el } from '../../xml/index.js';
import { type IqAnswer, sessionEnding, unavailableReceived, xmppHubKey } from '../xmpp-hub.js';
import { isAvailable, type XmppSession } from '../xmpp-session.js';

export const NS_LAST = 'jabber:iq:last';

/** Whole seconds from `since` to `now`, never negative (a clock stepped back reads as 0). */
export function secondsSince(now: number, since: number): number {
  return Math.max(0, Math.floor((now - since) / 1000));
}

/** §2: `<query xmlns='jabber:iq:last' seconds='…'>status</query>`. */
export function lastActivityResult(seconds: number, status: string | null): IqAnswer {
  return { result: el('query', { xmlns: NS_LAST, seconds }, status ?? undefined) };
}

const statusOf = (presence: Element | null): string | null => presence?.getChildText('status') ?? null;

export const lastActivityModule = defineModule({
  name: 'xmpp-last',
  description: 'Last activity of offline users and the server’s uptime',
  requires: ['xmpp-core'],
  specs: ['XEP-0012'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const store = ctx.use(storeKey);
    const roster = ctx.use(rosterServiceKey);
    const startedAt = ctx.clock.now();
    /** The status of each session's last unavailable presence, until the session goes. */
    const unavailableStatus = new WeakMap<XmppSession, string | null>();

    const offUnavailable = hub.hooks.on(unavailableReceived, ({ session, stanza }) => {
      unavailableStatus.set(session, statusOf(stanza));
    });
    // Before the presence module (priority 0) forgets the session's presence on the way out.
    const offEnding = hub.hooks.on(
      sessionEnding,
      async ({ session }) => {
        if (hub.sessions.ofBare(session.bare).some((other) => other !== session)) return;
        // §4: the status of the user's last presence: the one still broadcast, else the unavailable.
        const current = session.presence.current;
        const status = current ? statusOf(current) : (unavailableStatus.get(session) ?? null);
        try {
          await store.lastActivity.recordLogout(session.user.id, ctx.clock.now(), status);
        } catch (error) {
          if (!isHeraldError(error, 'HERALD_ERR_NOT_FOUND')) throw error; // deleted while online
        }
      },
      10,
    );

    hub.discoFeature('account', NS_LAST);
    hub.discoFeature('server', NS_LAST);
    const offAccount = hub.iq(
      'account',
      'get',
      NS_LAST,
      async ({ session, owner }) => {
        const local = jidLocal(owner);
        const user = local === null ? undefined : await store.accounts.findUserByName(local);
        if (!user) return { error: 'service-unavailable' }; // RFC 6121 §8.5.1: no such account
        // §4: only those allowed to see the user's presence MUST get an answer; others forbidden.
        if (!(await roster.canSeePresence(user.id, session.jid))) return { error: 'forbidden' };
        // §4: for a user with an available resource the server MAY answer itself: active now.
        if (hub.sessions.ofBare(owner).some(isAvailable)) return lastActivityResult(0, null);
        const last = await store.lastActivity.lastLogout(user.id);
        if (!last) return { error: 'service-unavailable', text: 'no last activity is known' };
        return lastActivityResult(secondsSince(ctx.clock.now(), last.at), last.status);
      },
      ctx.module,
    );
    // §5: to the server, the seconds since it started.
    const offServer = hub.iq(
      'server',
      'get',
      NS_LAST,
      async () => lastActivityResult(secondsSince(ctx.clock.now(), startedAt), null),
      ctx.module,
    );
    return () => {
      offUnavailable();
      offEnding();
      offAccount();
      offServer();
    };
  },
});
