/**
 * The hook through which the message archive (XEP-0313 for rooms) records each groupchat
 * message once, before it is broadcast; its id goes out as the XEP-0359 stanza-id of every copy.
 * StoreRoomArchiver keeps the room's own archive (XEP-0313 §5 "Querying a MUC archive") in the
 * RoomStore and pages it with XEP-0059 Result Set Management like a user's archive.
 */

import { invalid, notFound } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import type { PageRequest } from '../archive/archive-service.js';
import type { ArchiveFilter, RoomMessageRecord, RoomStore, UserId } from '../ports.js';

export interface RoomArchivedMessage {
  readonly roomJid: string;
  readonly nick: string;
  readonly senderUserId: UserId;
  /** The sender's bare JID. */
  readonly senderBare: string;
  readonly body: string | null;
  /** The message as it is broadcast (serialized), for the archive to keep. */
  readonly stanza: string;
  readonly at: number;
  /** The bare JIDs of the occupants it goes to (for the compliance record). */
  readonly recipients?: readonly string[];
}

/** XEP-0059 §2.6 / XEP-0313 §4.3: one page of a room's archive, oldest first. */
export interface RoomArchivePage {
  readonly items: readonly RoomMessageRecord[];
  readonly first: string | null;
  readonly last: string | null;
  readonly count: number;
  readonly complete: boolean;
}

export interface RoomArchiver {
  archive(message: RoomArchivedMessage): Promise<{ id: string }>;
  /** XEP-0313 §5: pages the room's archive, when this archiver keeps one. */
  query?(roomJid: string, filter: ArchiveFilter, page?: PageRequest): Promise<RoomArchivePage>;
}

export interface StoreRoomArchiverOptions {
  readonly store: RoomStore;
  readonly ids: IdSource;
  /** The page size when the client asks none; default 50. */
  readonly defaultPageSize?: number;
  /** The largest page served (XEP-0059 §2.1: a server MAY return fewer); default 250. */
  readonly maxPageSize?: number;
}

const MAX_SEARCH_TEXT = 256;

export class StoreRoomArchiver implements RoomArchiver {
  readonly #o: StoreRoomArchiverOptions;

  constructor(options: StoreRoomArchiverOptions) {
    this.#o = options;
  }

  /** Durable once it resolves: the id is then the message's XEP-0359 stanza-id. */
  async archive(message: RoomArchivedMessage): Promise<{ id: string }> {
    const id = this.#o.ids.next();
    await this.#o.store.appendMessage({
      id,
      roomJid: message.roomJid,
      nick: message.nick,
      sender: message.senderBare,
      at: message.at,
      body: message.body,
      payload: { format: 'xmpp', content: message.stanza },
    });
    return { id };
  }

  /** XEP-0313 §5: a page of the room's archive (the caller has checked who may read it). */
  async query(roomJid: string, filter: ArchiveFilter, page: PageRequest = {}): Promise<RoomArchivePage> {
    if (filter.start !== undefined && !Number.isFinite(filter.start)) throw invalid('bad start', 'start');
    if (filter.end !== undefined && !Number.isFinite(filter.end)) throw invalid('bad end', 'end');
    if (filter.text !== undefined && (filter.text.length === 0 || filter.text.length > MAX_SEARCH_TEXT))
      throw invalid(`the search text must have 1..${MAX_SEARCH_TEXT} characters`, 'text');
    const max = page.max ?? this.#o.defaultPageSize ?? 50;
    if (!Number.isSafeInteger(max) || max < 0) throw invalid('max must be a non-negative integer', 'max');
    const limit = Math.min(max, this.#o.maxPageSize ?? 250);
    const store = this.#o.store;
    const cursor = async (id: string, field: string) => {
      const found = await store.getMessage(roomJid, id);
      if (!found) throw notFound(`no archived message ${id}`, field);
      return { at: found.at, id: found.id };
    };
    const after = page.after !== undefined ? await cursor(page.after, 'after') : undefined;
    const before = typeof page.before === 'string' ? await cursor(page.before, 'before') : undefined;
    const count = await store.countMessages(roomJid, filter);
    if (limit === 0) return { items: [], first: null, last: null, count, complete: count === 0 };
    const backwards = page.before !== undefined;
    // One more than asked tells whether the set goes on (XEP-0313 §4.3.1 'complete').
    const fetched = await store.listMessages(roomJid, filter, {
      after,
      before,
      order: backwards ? 'desc' : 'asc',
      limit: limit + 1,
    });
    const complete = fetched.length <= limit;
    const items = fetched.slice(0, limit);
    if (backwards) items.reverse();
    return {
      items,
      first: items[0]?.id ?? null,
      last: items[items.length - 1]?.id ?? null,
      count,
      complete,
    };
  }
}
