/**
 * XEP-0191 Blocking Command, JID Matching (https://xmpp.org/extensions/xep-0191.html#matching),
 * the rules of XEP-0016 §2.1: a blocked
 *   user@domain/resource  blocks only that resource;
 *   user@domain           blocks every resource of the account (and the bare JID);
 *   domain/resource       blocks only that resource of the domain;
 *   domain                blocks the domain, every address at it, and every subdomain.
 * Pure: built once per list, each check is a few set look-ups.
 */
import { bareJid, type Jid, jidDomain, jidLocal, jidResource, parseJid } from '../address/jid.js';

export class BlockMatcher {
  /** user@domain/resource and domain/resource entries: matched exactly. */
  readonly #exact = new Set<string>();
  readonly #bare = new Set<string>();
  readonly #domains = new Set<string>();
  readonly #entries: readonly Jid[];

  private constructor(entries: readonly Jid[]) {
    this.#entries = entries;
    for (const entry of entries) {
      if (jidResource(entry) !== null) this.#exact.add(entry);
      else if (jidLocal(entry) !== null) this.#bare.add(entry);
      else this.#domains.add(entry);
    }
  }

  static readonly EMPTY = new BlockMatcher([]);

  /** From stored entries; anything that is not a JID cannot match and is left out. */
  static of(entries: readonly string[]): BlockMatcher {
    const jids = entries.map((e) => parseJid(e)).filter((j): j is Jid => j !== null);
    return jids.length === 0 ? BlockMatcher.EMPTY : new BlockMatcher(jids);
  }

  get entries(): readonly Jid[] {
    return this.#entries;
  }

  get size(): number {
    return this.#entries.length;
  }

  has(entry: Jid): boolean {
    return this.#exact.has(entry) || this.#bare.has(entry) || this.#domains.has(entry);
  }

  /** Whether `address` (canonical, full or bare) is blocked. */
  matches(address: Jid): boolean {
    if (this.#entries.length === 0) return false;
    if (this.#exact.has(address)) return true;
    if (jidLocal(address) !== null && this.#bare.has(bareJid(address))) return true;
    // The domain itself or any parent domain: a.b.example matches a block of b.example.
    const labels = jidDomain(address).split('.');
    for (let i = 0; i < labels.length; i++) if (this.#domains.has(labels.slice(i).join('.'))) return true;
    return false;
  }
}
