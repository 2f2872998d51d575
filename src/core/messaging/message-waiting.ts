/**
 * Message waiting (SPEC: voicemail's lamp on the phone): per user, how many messages wait in
 * their mailboxes, by class — voice, fax, pager, multimedia, text (RFC 3458 message contexts, as
 * RFC 3842 reports them). The mailboxes that hold messages (voicemail, a later part) set the
 * counts; the SIP `message-summary` package and other views read them and hear of changes. In
 * memory: a mailbox sets its counts again when it starts.
 */
import type { UserId } from '../ports.js';

export type MessageClass = 'voice' | 'fax' | 'pager' | 'multimedia' | 'text';

export interface WaitingCounts {
  readonly newCount: number;
  readonly oldCount: number;
  readonly newUrgent: number;
  readonly oldUrgent: number;
}

export type MessageWaitingListener = (userId: UserId) => void;

const EMPTY: Readonly<Partial<Record<MessageClass, WaitingCounts>>> = Object.freeze({});

const isCount = (n: number) => Number.isInteger(n) && n >= 0 && n <= 999_999_999;

export class MessageWaitingService {
  readonly #counts = new Map<UserId, Partial<Record<MessageClass, WaitingCounts>>>();
  readonly #listeners = new Set<MessageWaitingListener>();

  /** The user's counts by class; a class with nothing recorded is absent. */
  countsOf(userId: UserId): Readonly<Partial<Record<MessageClass, WaitingCounts>>> {
    return this.#counts.get(userId) ?? EMPTY;
  }

  /** Whether a new message waits in any class (RFC 3842 §5.2 Messages-Waiting). */
  isWaiting(userId: UserId): boolean {
    return Object.values(this.countsOf(userId)).some((c) => c.newCount > 0);
  }

  /** Sets the counts of one class (all zero removes it); listeners hear of a real change only. */
  set(userId: UserId, messageClass: MessageClass, counts: WaitingCounts): void {
    if (![counts.newCount, counts.oldCount, counts.newUrgent, counts.oldUrgent].every(isCount))
      throw new RangeError('message counts are integers from 0 to 999,999,999');
    if (counts.newUrgent > counts.newCount || counts.oldUrgent > counts.oldCount)
      throw new RangeError('urgent messages are counted among the new or old ones');
    const current = this.#counts.get(userId) ?? {};
    const before = current[messageClass];
    const isEmpty = counts.newCount === 0 && counts.oldCount === 0;
    if (isEmpty ? before === undefined : sameCounts(before, counts)) return;
    const next = { ...current };
    if (isEmpty) delete next[messageClass];
    else next[messageClass] = { ...counts };
    if (Object.keys(next).length === 0) this.#counts.delete(userId);
    else this.#counts.set(userId, next);
    for (const listener of this.#listeners) listener(userId);
  }

  onChanged(listener: MessageWaitingListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

function sameCounts(a: WaitingCounts | undefined, b: WaitingCounts): boolean {
  return (
    a !== undefined &&
    a.newCount === b.newCount &&
    a.oldCount === b.oldCount &&
    a.newUrgent === b.newUrgent &&
    a.oldUrgent === b.oldUrgent
  );
}
