/**
 * The sources a person's presence is composed from (SPEC P1): each logged-in client, each
 * registered SIP device, each phone line, the calendar, and the person's own choice. Plain data;
 * compose() decides.
 */

/** What a client says of its user (XMPP <show/>, SIP PIDF basic/RPID, the web client). */
export type ClientAvailability = 'available' | 'away' | 'extended-away' | 'dnd';

/** What the person chose by hand; `invisible` shows offline to everyone but their own clients. */
export type ManualAvailability = 'available' | 'away' | 'busy' | 'dnd' | 'on-vacation' | 'invisible';

/** RFC 4235 dialog states as Herald's call control sees a line. */
export type LineState = 'idle' | 'ringing' | 'on-call' | 'held' | 'conference';

export type PresenceSource =
  | {
      readonly kind: 'client';
      /** e.g. the full JID, or the SIP contact. */
      readonly id: string;
      readonly protocol: 'xmpp' | 'sip' | 'web';
      readonly availability: ClientAvailability;
      readonly note: string | null;
      /** XMPP priority or 0. */
      readonly priority: number;
      readonly updatedAt: number;
      /** A SIP PUBLISH/REGISTER expiry; null = until removed. */
      readonly expiresAt: number | null;
    }
  | {
      /**
       * A registered SIP device (RFC 3261 §10) that publishes no presence of its own: the person
       * is reachable on it. The SIP adapter withdraws it while the user holds a PUBLISH.
       */
      readonly kind: 'registration';
      /** The SIP endpoint (binding) id. */
      readonly id: string;
      readonly updatedAt: number;
    }
  | { readonly kind: 'line'; readonly id: string; readonly state: LineState; readonly updatedAt: number }
  | {
      readonly kind: 'calendar';
      readonly id: string;
      /** Busy intervals (free/transparent events are not given), any order. */
      readonly busy: readonly {
        readonly start: number;
        readonly end: number;
        readonly summary: string | null;
      }[];
      readonly updatedAt: number;
    }
  | {
      readonly kind: 'manual';
      readonly id: 'manual';
      readonly availability: ManualAvailability;
      readonly note: string | null;
      /** When the choice ends by itself (e.g. the end of a vacation); null = until changed. */
      readonly until: number | null;
      readonly updatedAt: number;
    };

export type PresenceSourceKind = PresenceSource['kind'];
