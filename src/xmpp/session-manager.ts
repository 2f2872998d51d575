/**
 * The bound resources of this node (DESIGN.md: XmppSessionManager owns live XMPP streams). One
 * session per full JID; RFC 6120 §7.7.2.2 lets the server choose what a conflict does: Herald
 * follows Prosody's and ejabberd's default and replaces the old session (which gets a <conflict/>
 * stream error), so a client that reconnects before its dead TCP connection times out wins.
 */
import type { BareJid, Jid } from '../core/address/jid.js';
import type { ReachableContacts } from '../core/roster/index.js';
import { isAvailable, type XmppSession } from './xmpp-session.js';

export class XmppSessionManager {
  readonly #byJid = new Map<Jid, XmppSession>();
  readonly #byBare = new Map<BareJid, Set<XmppSession>>();
  readonly #maxPerUser: number;

  constructor(options: { maxResourcesPerUser: number }) {
    this.#maxPerUser = options.maxResourcesPerUser;
  }

  /** Binds; returns the session it replaced, if any, or 'limit' when the user has too many. */
  bind(session: XmppSession): { replaced: XmppSession | null } | 'limit' {
    const existing = this.#byJid.get(session.jid) ?? null;
    const sessions = this.#byBare.get(session.bare) ?? new Set();
    if (!existing && sessions.size >= this.#maxPerUser) return 'limit';
    if (existing) this.unbind(existing);
    this.#byJid.set(session.jid, session);
    sessions.add(session);
    this.#byBare.set(session.bare, sessions);
    return { replaced: existing };
  }

  unbind(session: XmppSession): void {
    if (this.#byJid.get(session.jid) === session) this.#byJid.delete(session.jid);
    const sessions = this.#byBare.get(session.bare);
    sessions?.delete(session);
    if (sessions?.size === 0) this.#byBare.delete(session.bare);
  }

  get(jid: Jid): XmppSession | undefined {
    return this.#byJid.get(jid);
  }

  /** Every bound session of the account, in binding order. */
  ofBare(bare: BareJid): readonly XmppSession[] {
    return [...(this.#byBare.get(bare) ?? [])];
  }

  get count(): number {
    return this.#byJid.size;
  }

  /**
   * The accounts with an available session (RFC 6121 §4.2.2: who a presence broadcast reaches),
   * read in place: no copy of anybody's sessions is made to ask.
   */
  readonly available: ReachableContacts = new AvailableAccounts(this.#byBare);

  all(): readonly XmppSession[] {
    return [...this.#byJid.values()];
  }
}

/** The manager's accounts that have an available session, as RosterService.subscribers meets them. */
class AvailableAccounts implements ReachableContacts {
  readonly #byBare: ReadonlyMap<BareJid, ReadonlySet<XmppSession>>;

  constructor(byBare: ReadonlyMap<BareJid, ReadonlySet<XmppSession>>) {
    this.#byBare = byBare;
  }

  /** The accounts with any session: an upper bound of those with an available one. */
  get size(): number {
    return this.#byBare.size;
  }

  has(contact: BareJid): boolean {
    const sessions = this.#byBare.get(contact);
    if (sessions === undefined) return false;
    for (const session of sessions) if (isAvailable(session)) return true;
    return false;
  }

  *list(): Iterable<BareJid> {
    for (const [bare, sessions] of this.#byBare) {
      for (const session of sessions) {
        if (isAvailable(session)) {
          yield bare;
          break;
        }
      }
    }
  }
}
