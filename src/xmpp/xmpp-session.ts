/**
 * What features see of one client's session (a c2s stream, over TCP, TLS or WebSocket): who it
 * is, how to send to it, and the presence state RFC 6121 keeps per resource.
 */
import type { BareJid, Jid } from '../core/address/jid.js';
import type { UserRecord } from '../core/ports.js';
import type { Element } from '../xml/index.js';
import type { StreamErrorCondition } from './wire/index.js';

export interface XmppSession {
  /** Unique per connection (the stream id). */
  readonly id: string;
  readonly user: UserRecord;
  readonly bare: BareJid;
  /** The full JID once a resource is bound. */
  readonly jid: Jid;
  readonly resource: string;
  readonly remoteAddress: string;
  /** Sends a stanza or other top-level element to the client. */
  send(stanza: Element): void;
  /** Ends the stream with a stream error (RFC 6120 §4.9) and closes the connection. */
  close(condition?: StreamErrorCondition, text?: string): void;
  readonly presence: SessionPresence;
  /** Per-feature state, keyed by the feature's module name. */
  readonly state: Map<string, unknown>;
}

/** RFC 6121 §4: the resource's broadcast presence and whether it is interested. */
export interface SessionPresence {
  /** Last available presence the client broadcast (null before initial presence / after unavailable). */
  current: Element | null;
  priority: number;
  /** RFC 6121 §2.1.6: it asked for the roster, so roster pushes go to it. */
  isInterested: boolean;
  /** Addresses it sent directed presence to (RFC 6121 §4.6), to tell them when it goes. */
  readonly directedTo: Set<string>;
}

export const isAvailable = (session: XmppSession): boolean => session.presence.current !== null;
