/**
 * XEP-0280: Message Carbons, the pure part — https://xmpp.org/extensions/xep-0280.html
 * Which messages are copied (§6, §9 with the XEP-0334 <no-copy/> hint), who gets a copy (§7, §8),
 * and the copy itself: a message from the user's bare JID wrapping the original in a XEP-0297
 * <forwarded/> inside <received/> or <sent/>.
 */
import type { BareJid, Jid } from '../../core/address/jid.js';
import { type Element, el } from '../../xml/index.js';
import { NS_CLIENT } from '../wire/index.js';

export const NS_CARBONS = 'urn:xmpp:carbons:2';
export const NS_FORWARD = 'urn:xmpp:forward:0';
export const NS_HINTS = 'urn:xmpp:hints';

export type CarbonDirection = 'sent' | 'received';

export type CarbonEligibility =
  | { readonly isEligible: true }
  | { readonly isEligible: false; readonly reason: 'private' | 'no-copy' | 'carbon' | 'type' };

/**
 * §6 leaves the rules to the server and suggests these, which Herald follows: type chat; type
 * normal with a body. Never: other types (groupchat, headline; errors, which would need
 * correlation with the message they answer), a message marked <private/> (§9: the servers MUST
 * NOT copy it) or <no-copy/> (XEP-0334 §4), nor one that already holds a carbon — a copy of a
 * copy would wrap a peer's forgery in the user's own bare JID, the one address §11 tells clients
 * to trust. Messages from MUC rooms (§6) never pass here: rooms deliver to sessions themselves.
 */
export function carbonEligibility(message: Element): CarbonEligibility {
  if (message.getChild('private', NS_CARBONS)) return { isEligible: false, reason: 'private' };
  if (message.getChild('no-copy', NS_HINTS)) return { isEligible: false, reason: 'no-copy' };
  if (message.getChild('sent', NS_CARBONS) || message.getChild('received', NS_CARBONS))
    return { isEligible: false, reason: 'carbon' };
  const type = message.attr('type') ?? 'normal';
  if (type === 'chat') return { isEligible: true };
  // RFC 6121 §5.2.2: an unknown type is normal.
  const isNormal = !['groupchat', 'headline', 'error'].includes(type);
  if (isNormal && message.getChild('body') !== undefined) return { isEligible: true };
  return { isEligible: false, reason: 'type' };
}

/** §9: the receiving server SHOULD remove <private/> before delivering to the recipient. */
export function withoutPrivate(message: Element): Element {
  const children = message.children.filter((c) => typeof c === 'string' || !c.is('private', NS_CARBONS));
  return children.length === message.children.length ? message : message.withChildren(children);
}

/** One resource of the user as far as copies go. */
export interface CarbonSession {
  readonly jid: Jid;
  readonly isEnabled: boolean;
}

/**
 * The resources that get a copy: every Carbons-enabled one but the sender (§8: "excluding the
 * sending client") and those that got the original (§7: MUST NOT send them a copy).
 */
export function carbonTargets(
  sessions: readonly CarbonSession[],
  exclude: ReadonlySet<string>,
): readonly Jid[] {
  return sessions.filter((s) => s.isEnabled && !exclude.has(s.jid)).map((s) => s.jid);
}

/**
 * §7 / §8: the copy for `to`. The 'from' MUST be the owner's bare JID and the 'to' the full JID of
 * the resource receiving it; the wrapper SHOULD keep the original's type; the original goes in
 * whole, in its own namespace (jabber:client), inside urn:xmpp:forward:0.
 */
export function carbonCopy(direction: CarbonDirection, owner: BareJid, to: Jid, original: Element): Element {
  const forwarded = original.xmlns === NS_CLIENT ? original : original.withAttrs({ xmlns: NS_CLIENT });
  return el(
    'message',
    { from: owner, to, type: original.attr('type') },
    el(direction, { xmlns: NS_CARBONS }, el('forwarded', { xmlns: NS_FORWARD }, forwarded)),
  );
}
