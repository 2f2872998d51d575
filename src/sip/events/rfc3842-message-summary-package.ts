/**
 * RFC 3842 (A Message Summary and Message Waiting Indication Event Package for SIP): the
 * `message-summary` package — the message-waiting lamp of desk phones — served from the core
 * MessageWaitingService that mailboxes (voicemail) feed. A user may watch only their own
 * mailbox (§6: the notifier authorizes; anyone else is refused 403). Every NOTIFY carries the
 * whole summary: Messages-Waiting, the Message-Account and a count line per class (§5.2).
 * https://www.rfc-editor.org/rfc/rfc3842
 */
import type { MessageWaitingService } from '../../core/messaging/message-waiting.js';
import type { UserRecord } from '../../core/ports.js';
import { MESSAGE_SUMMARY_CONTENT_TYPE, serializeMessageSummary } from '../wire/rfc3842-message-summary.js';
import type { EventPackage, EventServer, Subscription } from './event-server.js';

export const MESSAGE_SUMMARY_EVENT = 'message-summary';

export class MessageSummaryPackage implements EventPackage {
  readonly event = MESSAGE_SUMMARY_EVENT;
  readonly contentType = MESSAGE_SUMMARY_CONTENT_TYPE;
  readonly #waiting: Pick<MessageWaitingService, 'countsOf' | 'isWaiting' | 'onChanged'>;

  constructor(waiting: Pick<MessageWaitingService, 'countsOf' | 'isWaiting' | 'onChanged'>) {
    this.#waiting = waiting;
  }

  /** Starts notifying `server`'s watchers of each change of a user's counts. */
  attach(server: Pick<EventServer, 'changed'>): () => void {
    return this.#waiting.onChanged((userId) => server.changed(userId, MESSAGE_SUMMARY_EVENT));
  }

  admits(watcher: UserRecord, owner: UserRecord): boolean {
    return watcher.id === owner.id;
  }

  async authorize(): Promise<'active'> {
    return 'active';
  }

  async body(subscription: Subscription): Promise<string> {
    const counts = this.#waiting.countsOf(subscription.owner.id);
    return serializeMessageSummary({
      waiting: this.#waiting.isWaiting(subscription.owner.id),
      account: `sip:${subscription.ownerAddress}`,
      classes: Object.fromEntries(Object.entries(counts).map(([name, c]) => [`${name}-message`, c])),
    });
  }
}
