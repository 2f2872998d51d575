/**
 * The presence API's shapes (docs/presence.md): manual status, composed presence, calendar
 * source, and the messages of the presence WebSocket stream. Shared by the server's routes, the
 * OpenAPI document and the web client.
 */
import { type Static, Type } from '@sinclair/typebox';

const Timestamp = Type.String({ format: 'date-time' });

export const ManualAvailability = Type.Union([
  Type.Literal('available'),
  Type.Literal('away'),
  Type.Literal('busy'),
  Type.Literal('dnd'),
  Type.Literal('on-vacation'),
  Type.Literal('invisible'),
]);

export const Availability = Type.Union([
  Type.Literal('available'),
  Type.Literal('away'),
  Type.Literal('extended-away'),
  Type.Literal('busy'),
  Type.Literal('dnd'),
  Type.Literal('on-the-phone'),
  Type.Literal('in-a-meeting'),
  Type.Literal('on-vacation'),
  Type.Literal('offline'),
]);

export const StatusBody = Type.Object(
  {
    availability: ManualAvailability,
    note: Type.Optional(Type.Union([Type.String({ maxLength: 1024 }), Type.Null()])),
    until: Type.Optional(Type.Union([Timestamp, Type.Null()])),
  },
  { additionalProperties: false },
);
export type StatusBody = Static<typeof StatusBody>;

export const StatusView = Type.Object({
  availability: ManualAvailability,
  note: Type.Union([Type.String(), Type.Null()]),
  until: Type.Union([Timestamp, Type.Null()]),
});
export type StatusView = Static<typeof StatusView>;

export const PresenceView = Type.Object({
  user: Type.String({ description: 'username' }),
  jid: Type.String(),
  availability: Availability,
  note: Type.Union([Type.String(), Type.Null()]),
  activities: Type.Array(Type.String(), { description: 'RPID activities (RFC 4480)' }),
  source: Type.Union([Type.String(), Type.Null()], {
    description: 'the kind of source that decided: client, line, calendar, manual',
  }),
  until: Type.Union([Timestamp, Type.Null()]),
  invisible: Type.Optional(Type.Boolean({ description: 'only in your own presence' })),
});
export type PresenceView = Static<typeof PresenceView>;

export const CalendarBody = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: 2048, description: 'an .ics feed or a CalDAV collection' }),
    username: Type.Optional(Type.String({ maxLength: 256 })),
    password: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export type CalendarBody = Static<typeof CalendarBody>;

export const CalendarView = Type.Object({
  url: Type.String({ description: 'without credentials or query' }),
  hasCredentials: Type.Boolean(),
});
export type CalendarView = Static<typeof CalendarView>;

/**
 * The presence stream (WebSocket, subprotocol `herald-presence`, path /api/v1/presence/stream):
 * the client sends `{type:'auth', token}` (from POST /api/v1/session) first; the server answers
 * `{type:'ready', self}` and then `{type:'presence', presence}` for each contact the caller may
 * watch, and again at every change (the caller's own included). Errors: `{type:'error', error,
 * message}`, then the socket closes.
 */
export type PresenceStreamClientMessage = { type: 'auth'; token: string };
export type PresenceStreamServerMessage =
  | { type: 'ready'; self: PresenceView }
  | { type: 'presence'; presence: PresenceView }
  | { type: 'error'; error: string; message: string };
