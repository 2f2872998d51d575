/**
 * The hook through which the message archive (XEP-0313 for rooms) records each groupchat
 * message once, before it is broadcast; its id goes out as the XEP-0359 stanza-id of every copy.
 * StoreRoomArchiver keeps the room's own archive (XEP-0313 §5 "Querying a MUC archive") in the
 * RoomStore and pages it with XEP-0059 Result Set Management like a user's archive.
 */

import type { IdSource } from '../../kernel/ids.js';
import { checkFilter, type Page, type PageRequest, pageArchive } from '../archive/rsm-paging.js';
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
export type RoomArchivePage = Page<RoomMessageRecord>;

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
    checkFilter(filter);
    const store = this.#o.store;
    const maxPage = this.#o.maxPageSize ?? 250;
    return pageArchive(
      {
        get: (id) => store.getMessage(roomJid, id),
        count: () => store.countMessages(roomJid, filter),
        list: (cursor) => store.listMessages(roomJid, filter, cursor),
      },
      page,
      { defaultPage: Math.min(this.#o.defaultPageSize ?? 50, maxPage), maxPage },
    );
  }
}
