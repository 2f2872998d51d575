/**
 * ChatMessage: a one-to-one message in protocol-neutral form (SPEC M1), as an adapter hands it to
 * MessageService. Message types are RFC 6121 §5.2.2: https://www.rfc-editor.org/rfc/rfc6121#section-5.2.2
 */
import type { BareJid } from '../address/jid.js';

/** RFC 6121 §5.2.2; a message without a type is 'normal'. */
export type MessageType = 'chat' | 'normal' | 'headline' | 'groupchat' | 'error';

export const MESSAGE_TYPES: readonly MessageType[] = ['chat', 'normal', 'headline', 'groupchat', 'error'];

export interface ChatMessage {
  /** The sender's id for the message (the stanza id, a SIP Call-ID), for receipts and logs. */
  readonly id: string;
  readonly from: {
    /** The sender's bare address: a bare JID, or a SIP AoR for a SIP-only peer. */
    readonly address: string;
    /** The local endpoint it was sent from; null when the sender is not served here. */
    readonly endpointId: string | null;
  };
  readonly to: {
    /** The recipient's bare JID (a SIP AoR is mapped to the user's JID by the adapter). */
    readonly address: BareJid;
    /** A resource of the recipient the sender addressed (RFC 6121 §8.5.3); null = the bare JID. */
    readonly resource: string | null;
  };
  readonly type: MessageType;
  /** The human-readable text, for another protocol (or null: a chat state, a receipt…). */
  readonly body: string | null;
  readonly thread: string | null;
  readonly sentAt: number;
  /**
   * The adapter's original (e.g. `format: 'xmpp'` and the stanza's XML), so that a driver of the
   * same protocol forwards it untouched; another protocol uses `body`.
   */
  readonly payload: { readonly format: string; readonly content: string };
  /** The sender's XEP-0359 origin-id, kept in the archive (clients dedupe their own by it). */
  readonly originId?: string | null;
  /**
   * Set by MessageService for a message it archives: the XEP-0359 stanza-id the recipient's
   * archive gave it (`by` is the recipient's bare JID). Drivers put it on every delivered copy.
   */
  readonly stanzaId?: { readonly by: string; readonly id: string } | null;
}
