/**
 * /api/v1/me/status, /api/v1/me/presence, /api/v1/presence/{user}, /api/v1/me/calendar and the
 * presence WebSocket stream (docs/presence.md; SPEC P1–P4, I1): the web client's and the phone
 * messenger's view of unified presence. The watch policy is the core PresenceService's: the same
 * roster subscription that serves XMPP and SIP watchers serves the API.
 */
import { type Static, Type } from '@sinclair/typebox';
import { userJid } from '../../core/address/jid.js';
import type { UserId } from '../../core/ports.js';
import type { ComposedPresence } from '../../core/presence/index.js';
import {
  authServiceKey,
  calendarServiceKey,
  manualStatusServiceKey,
  presenceServiceKey,
  rosterServiceKey,
  storeKey,
} from '../../core/service-keys.js';
import { forbidden, HeraldError, notFound } from '../../kernel/errors.js';
import { defineModule } from '../../kernel/module.js';
import { type WebSocketConnection, webSocketEndpointsKey } from '../../kernel/web-socket-endpoints.js';
import { ErrorBody } from '../contract/api-schemas.js';
import {
  CalendarBody,
  CalendarView,
  type PresenceStreamServerMessage,
  PresenceView,
  StatusBody,
  StatusView,
} from '../contract/presence-schemas.js';
import { userOf } from '../http-auth.js';
import { httpRoutesKey } from '../http-routes.js';

const UserParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) });
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['presence'];
const iso = (t: number | null): string | null => (t === null ? null : new Date(t).toISOString());

export const PRESENCE_STREAM_PATH = '/api/v1/presence/stream';
export const PRESENCE_STREAM_PROTOCOL = 'herald-presence';
/** Auth must come this soon after the WebSocket opens; clients that fail it are closed. */
const AUTH_TIMEOUT_MS = 10_000;
const STREAM_MESSAGE_MAX = 4096;
const STREAMS_PER_USER = 20;

export function presenceView(
  username: string,
  jid: string,
  presence: ComposedPresence,
  isSelf: boolean,
): PresenceView {
  return {
    user: username,
    jid,
    availability: presence.availability,
    note: presence.note,
    activities: [...presence.activities],
    source: presence.winner?.kind ?? null,
    until: iso(presence.until),
    ...(isSelf ? { invisible: presence.isInvisible } : {}),
  };
}

interface Stream {
  readonly userId: UserId;
  readonly username: string;
  readonly bare: string;
  readonly connection: WebSocketConnection;
  /** The last view sent per watched user, so that only real changes go out. */
  readonly sent: Map<UserId, string>;
}

export const presenceApiModule = defineModule({
  name: 'api-presence',
  description: 'REST API and WebSocket stream for presence, manual status and calendar sources',
  specs: ['SPEC P1', 'SPEC P4', 'SPEC I1'],
  setup(ctx) {
    const presence = ctx.use(presenceServiceKey);
    const manual = ctx.use(manualStatusServiceKey);
    const calendar = ctx.use(calendarServiceKey);
    const roster = ctx.use(rosterServiceKey);
    const store = ctx.use(storeKey);
    const auth = ctx.use(authServiceKey);
    const jidOf = (username: string) => userJid(username, ctx.domain);

    const ownerNamed = async (username: string) => {
      const user = await store.accounts.findUserByName(username);
      if (!user) throw notFound(`no user ${username}`, 'username');
      return user;
    };

    /** What `watcher` (user@domain) may see of `owner`: 403 unless subscribed; blocked is offline. */
    const viewFor = async (
      owner: { id: UserId; username: string },
      watcher: string,
    ): Promise<PresenceView> => {
      const decision = await presence.decide(owner.id, watcher);
      if (decision === 'none' || decision === 'pending')
        throw forbidden(`you are not subscribed to the presence of ${owner.username}`);
      return presenceView(
        owner.username,
        jidOf(owner.username),
        await presence.presenceFor(owner.id, watcher),
        decision === 'self',
      );
    };

    ctx.use(httpRoutesKey).add({
      name: 'presence',
      register(app) {
        app.get(
          '/me/presence',
          { schema: { summary: 'Your composed presence', tags, response: { 200: PresenceView, ...errors } } },
          async (request) => {
            const me = userOf(request);
            return presenceView(me.username, jidOf(me.username), presence.presenceOf(me.userId), true);
          },
        );
        app.get(
          '/me/status',
          {
            schema: {
              summary: 'Your manual status (404 when none)',
              tags,
              response: { 200: StatusView, ...errors },
            },
          },
          async (request) => {
            const status = await manual.get(userOf(request).userId);
            if (!status) throw notFound('no manual status is set');
            return { ...status, until: iso(status.until) };
          },
        );
        app.put<{ Body: Static<typeof StatusBody> }>(
          '/me/status',
          {
            schema: {
              summary: 'Set your manual status (available, away, busy, dnd, on-vacation, invisible)',
              tags,
              body: StatusBody,
              response: { 200: StatusView, ...errors },
            },
          },
          async (request) => {
            const until = request.body.until ? Date.parse(request.body.until) : null;
            const status = await manual.set(userOf(request).userId, {
              availability: request.body.availability,
              note: request.body.note ?? null,
              until,
            });
            return { ...status, until: iso(status.until) };
          },
        );
        app.delete(
          '/me/status',
          {
            schema: { summary: 'Clear your manual status', tags, response: { 204: Type.Null(), ...errors } },
          },
          async (request, reply) => {
            await manual.clear(userOf(request).userId);
            return reply.status(204).send();
          },
        );
        app.get<{ Params: Static<typeof UserParams> }>(
          '/presence/:username',
          {
            schema: {
              summary: "A contact's presence (you must be subscribed to it)",
              tags,
              params: UserParams,
              response: { 200: PresenceView, ...errors },
            },
          },
          async (request) => {
            const me = userOf(request);
            return viewFor(await ownerNamed(request.params.username), jidOf(me.username));
          },
        );
        app.get(
          '/me/calendar',
          {
            schema: {
              summary: 'Your calendar source (404 when none)',
              tags,
              response: { 200: CalendarView, ...errors },
            },
          },
          async (request) => {
            const source = await calendar.sourceOf(userOf(request).userId);
            if (!source) throw notFound('no calendar is set');
            return source;
          },
        );
        app.put<{ Body: Static<typeof CalendarBody> }>(
          '/me/calendar',
          {
            schema: {
              summary: 'Set your calendar: an iCalendar (.ics) URL or a CalDAV collection',
              tags,
              body: CalendarBody,
              response: { 200: CalendarView, ...errors },
            },
          },
          async (request) => {
            const me = userOf(request);
            await calendar.setSource(me.userId, request.body);
            return (await calendar.sourceOf(me.userId)) as CalendarView;
          },
        );
        app.delete(
          '/me/calendar',
          { schema: { summary: 'Remove your calendar', tags, response: { 204: Type.Null(), ...errors } } },
          async (request, reply) => {
            await calendar.clearSource(userOf(request).userId);
            return reply.status(204).send();
          },
        );
      },
    });

    // ------------------------------------------------------------ the WebSocket stream
    const streams = new Set<Stream>();

    const send = (stream: Stream, message: PresenceStreamServerMessage) =>
      stream.connection.send(JSON.stringify(message));

    const sendPresence = async (stream: Stream, owner: { id: UserId; username: string }) => {
      const isSelf = owner.id === stream.userId;
      const view = isSelf
        ? presenceView(owner.username, jidOf(owner.username), presence.presenceOf(owner.id), true)
        : presenceView(
            owner.username,
            jidOf(owner.username),
            await presence.presenceFor(owner.id, stream.bare),
            false,
          );
      const text = JSON.stringify(view);
      const before = stream.sent.get(owner.id);
      if (before === text || !streams.has(stream)) return;
      stream.sent.set(owner.id, text);
      // The first message is `ready` with the caller's own presence; every later one is `presence`.
      send(
        stream,
        isSelf && before === undefined ? { type: 'ready', self: view } : { type: 'presence', presence: view },
      );
    };

    const open = async (stream: Stream) => {
      streams.add(stream);
      await sendPresence(stream, { id: stream.userId, username: stream.username });
      // The contacts whose presence the caller is subscribed to (RFC 6121 "to"/"both").
      for (const contact of await roster.subscriptions(stream.userId)) {
        const [local, domain] = contact.split('@');
        if (domain !== ctx.domain || !local) continue;
        const owner = await store.accounts.findUserByName(local);
        if (owner) await sendPresence(stream, owner);
      }
    };

    const offChanged = presence.onChanged(({ userId }) => {
      if (streams.size === 0) return;
      void (async () => {
        const owner = await store.accounts.findUserById(userId);
        if (!owner) return;
        const watchers = new Set<string>(await roster.subscribers(userId));
        for (const stream of streams)
          if (stream.userId === userId || watchers.has(stream.bare)) await sendPresence(stream, owner);
      })().catch((error: unknown) => ctx.log.warn({ err: error }, 'presence stream update failed'));
    });

    const endpoints = ctx.use(webSocketEndpointsKey);
    endpoints.add({
      path: PRESENCE_STREAM_PATH,
      subprotocol: PRESENCE_STREAM_PROTOCOL,
      maxMessageBytes: STREAM_MESSAGE_MAX,
      accept(connection) {
        let stream: Stream | null = null;
        const fail = (error: string, message: string) => {
          connection.send(JSON.stringify({ type: 'error', error, message }));
          connection.close(1008, message);
        };
        const timer = ctx.clock.setTimeout(() => {
          if (!stream) fail('HERALD_ERR_UNAUTHENTICATED', 'no auth message in time');
        }, AUTH_TIMEOUT_MS);
        connection.onClose(() => {
          timer.cancel();
          if (stream) streams.delete(stream);
        });
        let authenticating = false;
        connection.onMessage((text) => {
          if (stream || authenticating) return; // after auth the stream is one-way
          authenticating = true;
          let token: unknown;
          try {
            token = (JSON.parse(text) as { type?: unknown; token?: unknown }).token;
          } catch {
            token = undefined;
          }
          if (typeof token !== 'string')
            return fail('HERALD_ERR_VALIDATION', 'expected {"type":"auth","token":…}');
          void auth
            .verifyToken(token)
            .then(async (principal) => {
              timer.cancel();
              if (!principal) return fail('HERALD_ERR_UNAUTHENTICATED', 'the token is unknown or expired');
              const mine = [...streams].filter((s) => s.userId === principal.userId).length;
              if (mine >= STREAMS_PER_USER)
                return fail('HERALD_ERR_RATE_LIMITED', 'too many presence streams');
              stream = {
                userId: principal.userId,
                username: principal.username,
                bare: jidOf(principal.username),
                connection,
                sent: new Map(),
              };
              await open(stream);
            })
            .catch((error: unknown) => {
              ctx.log.warn({ err: error }, 'presence stream failed');
              fail('HERALD_ERR_INTERNAL', error instanceof HeraldError ? error.message : 'internal error');
            });
        });
      },
    });

    return () => {
      offChanged();
      endpoints.remove(PRESENCE_STREAM_PATH);
      for (const stream of streams) stream.connection.close(1001, 'server stopping');
      streams.clear();
    };
  },
});
