/**
 * The hook through which the message archive (XEP-0313 for rooms) records each groupchat
 * message once, before it is broadcast; its id goes out as the XEP-0359 stanza-id of every copy.
 */
import type { UserId } from '../ports.js';

export interface RoomArchivedMessage {
  readonly roomJid: string;
  readonly nick: string;
  readonly senderUserId: UserId;
  readonly body: string | null;
  /** The message as it is broadcast (serialized), for the archive to keep. */
  readonly stanza: string;
  readonly at: number;
}

export interface RoomArchiver {
  archive(message: RoomArchivedMessage): Promise<{ id: string }>;
}
