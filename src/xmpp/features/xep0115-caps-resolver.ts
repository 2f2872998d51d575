/**
 * XEP-0115 §5.4 / §6.3 (https://xmpp.org/extensions/xep-0115.html#ver-proc): the features behind a
 * caps `ver`, learnt once by asking one entity that announced it (disco#info to node#ver) and
 * kept only when the answer hashes to the ver. Bounded caches; one question in flight per ver.
 */
import type { Jid } from '../../core/address/jid.js';
import { BoundedMap } from '../../kernel/bounded-map.js';
import type { Element } from '../../xml/index.js';
import { discoFeatures, type EntityCaps, verifiesCaps } from './xep0115-entity-capabilities.js';

/**
 * Sends a disco#info request for `node` to a client's full JID and resolves with the result's
 * `<query/>`, or null for an error or no answer in time. The sender owns the timeout.
 */
export type DiscoInfoQuery = (to: Jid, node: string) => Promise<Element | null>;

export interface CapsResolverOptions {
  /** Null when there is no way to ask (every ver stays unknown). */
  readonly query: DiscoInfoQuery | null;
  /** Most vers remembered, and most failed answers remembered (least recently used go first). */
  readonly cacheSize: number;
}

/** A Map with a size bound, least recently used first out. */
class LruMap<V> {
  readonly #entries: BoundedMap<string, V>;
  constructor(size: number) {
    this.#entries = new BoundedMap(size);
  }

  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value !== undefined) this.#entries.renew(key, value);
    return value;
  }

  set(key: string, value: V): void {
    this.#entries.renew(key, value);
  }
}

export class CapsResolver {
  readonly #query: DiscoInfoQuery | null;
  readonly #known: LruMap<ReadonlySet<string>>;
  /** Entities whose answer for a ver did not verify: not asked again for it (§5.4: not cached). */
  readonly #failed: LruMap<true>;
  readonly #asking = new Map<string, Promise<ReadonlySet<string> | null>>();

  constructor(options: CapsResolverOptions) {
    this.#query = options.query;
    this.#known = new LruMap(options.cacheSize);
    this.#failed = new LruMap(options.cacheSize);
  }

  /** The verified features of `caps`, announced by `jid`; null while they cannot be known. */
  async features(jid: Jid, caps: EntityCaps): Promise<ReadonlySet<string> | null> {
    const key = `${caps.hash} ${caps.ver}`;
    const known = this.#known.get(key);
    if (known) return known;
    const query = this.#query;
    if (!query || this.#failed.get(`${jid} ${key}`)) return null;
    const pending = this.#asking.get(key);
    if (pending) return pending;
    const asking = (async () => {
      const info = await query(jid, `${caps.node}#${caps.ver}`).catch(() => null);
      // §5.4 step 3.7: only a verified answer is cached, so nobody can poison the ver for others.
      if (info && verifiesCaps(caps, info)) {
        const features = discoFeatures(info);
        this.#known.set(key, features);
        return features;
      }
      this.#failed.set(`${jid} ${key}`, true);
      return null;
    })().finally(() => this.#asking.delete(key));
    this.#asking.set(key, asking);
    return asking;
  }
}
