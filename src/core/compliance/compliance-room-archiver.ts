/**
 * SPEC M7 for group chat: every room message goes to the compliance sink before the room keeps
 * and broadcasts it, under the same policy as 1:1 messages — with `compliance.required` a message
 * the sink cannot take is refused (the sender gets service-unavailable; nothing is archived or
 * delivered), otherwise it is queued for retry and the room goes on.
 */
import type { IdSource } from '../../kernel/ids.js';
import type { RoomArchivedMessage, RoomArchiver } from '../rooms/room-archiver.js';
import { RoomError } from '../rooms/room-service.js';
import type { ComplianceService } from './compliance-service.js';

export function complianceRoomArchiver(
  inner: RoomArchiver,
  compliance: ComplianceService,
  ids: IdSource,
): RoomArchiver {
  const archiver: RoomArchiver = {
    async archive(message: RoomArchivedMessage) {
      const outcome = await compliance.capture({
        id: ids.next(),
        at: message.at,
        protocol: 'xmpp',
        sender: message.senderBare,
        recipients: [...(message.recipients ?? [])],
        room: message.roomJid,
        body: message.body,
        original: message.stanza,
      });
      if (outcome === 'refused')
        throw new RoomError('service-unavailable', 'compliance archive unavailable; message not accepted');
      return inner.archive(message);
    },
  };
  if (inner.query) archiver.query = inner.query.bind(inner);
  return archiver;
}
