/**
 * RFC 6121 §2: Managing the Roster — https://www.rfc-editor.org/rfc/rfc6121#section-2
 * Roster get (with versioning, §2.6) and set/remove; pushes go through XmppEffects.
 */
import { parseJid } from '../../core/address/jid.js';
import { isRosterError, type RosterErrorReason } from '../../core/roster/index.js';
import { rosterEffectsRelayKey, rosterServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { el } from '../../xml/index.js';
import { NS_PRE_APPROVAL, NS_ROSTER, NS_ROSTER_VER } from '../namespaces.js';
import type { StanzaErrorCondition } from '../wire/index.js';
import { type IqAnswer, xmppHubKey } from '../xmpp-hub.js';
import { rosterItemElement, XmppEffects } from './xmpp-effects.js';

/** How a core roster refusal reads on the wire. */
export const ROSTER_ERROR_CONDITIONS: Record<RosterErrorReason, StanzaErrorCondition> = {
  'invalid-contact': 'jid-malformed',
  'invalid-name': 'not-acceptable',
  'invalid-groups': 'not-acceptable',
  'invalid-address': 'bad-request',
  'remote-contact': 'remote-server-not-found',
  'item-not-found': 'item-not-found',
  'unknown-user': 'internal-server-error',
  self: 'not-allowed',
  'roster-full': 'resource-constraint',
  'block-list-full': 'resource-constraint',
  blocked: 'not-acceptable',
};

export function rosterErrorAnswer(error: unknown): IqAnswer {
  if (isRosterError(error)) return { error: ROSTER_ERROR_CONDITIONS[error.reason], text: error.message };
  throw error;
}

export const rosterModule = defineModule({
  name: 'xmpp-roster',
  description: 'Roster get, set and remove, with versioning and pre-approval',
  requires: ['xmpp-core'],
  specs: ['RFC 6121 §2', 'RFC 6121 §2.6', 'RFC 6121 §3.4'],
  setup(ctx) {
    const hub = ctx.use(xmppHubKey);
    const roster = ctx.use(rosterServiceKey);
    const effects = new XmppEffects(hub, ctx.ids);
    const relay = ctx.use(rosterEffectsRelayKey);
    // §2.6.1 and §3.4.1: advertise versioning and pre-approval.
    hub.streamFeature(ctx.module, ({ isBound }) => (isBound ? null : el('ver', { xmlns: NS_ROSTER_VER })));
    hub.streamFeature(ctx.module, ({ isBound }) => (isBound ? null : el('sub', { xmlns: NS_PRE_APPROVAL })));

    const offGet = hub.iq(
      'account',
      'get',
      NS_ROSTER,
      async ({ session, owner, payload }) => {
        // §2.1.5 / §8.5.3.1: a roster is read by its owner only.
        if (owner !== session.bare) return { error: 'forbidden' };
        session.presence.isInterested = true; // §2.1.6: now an interested resource
        const { items, version } = await roster.getRoster(session.user.id);
        // §2.6.3: the client's version is current: empty result, changes come as pushes.
        if (payload.attr('ver') === String(version)) return { result: null };
        return {
          result: el('query', { xmlns: NS_ROSTER, ver: String(version) }, ...items.map(rosterItemElement)),
        };
      },
      ctx.module,
    );

    const offSet = hub.iq(
      'account',
      'set',
      NS_ROSTER,
      async ({ session, owner, payload }) => {
        if (owner !== session.bare) return { error: 'forbidden' };
        const items = payload.getChildren('item');
        // §2.3.3: exactly one item; a jid; groups unique and non-empty.
        if (items.length !== 1 || !items[0])
          return { error: 'bad-request', text: 'a roster set holds exactly one item' };
        const item = items[0];
        const contact = parseJid(item.attr('jid') ?? '');
        if (!contact) return { error: 'jid-malformed' };
        const groups = item.getChildren('group').map((g) => g.text());
        if (groups.some((g) => g.length === 0) || new Set(groups).size !== groups.length)
          return { error: 'bad-request', text: 'groups must be non-empty and unique' };
        try {
          const changes =
            item.attr('subscription') === 'remove'
              ? await roster.removeItem(session.user.id, contact)
              : await roster.setItem(session.user.id, contact, { name: item.attr('name') ?? null, groups });
          effects.run(changes);
          relay.announce(changes, 'xmpp');
          return { result: null };
        } catch (error) {
          return rosterErrorAnswer(error);
        }
      },
      ctx.module,
    );
    hub.discoFeature('account', NS_ROSTER);
    return () => {
      offGet();
      offSet();
    };
  },
});
