/**
 * /api/v1/rooms: the web client's group chats (XEP-0045 rooms on conference.<domain>) and the
 * escalation of a 1:1 chat to a group (SPEC: "multiple users participating in this chat").
 * Invitations go out through the XMPP module (RoomService.publish).
 */
import { type Static, Type } from '@sinclair/typebox';
import { userJid } from '../../core/address/jid.js';
import type { UserId } from '../../core/ports.js';
import type { Room } from '../../core/rooms/index.js';
import { roomServiceKey, storeKey } from '../../core/service-keys.js';
import { invalid } from '../../kernel/errors.js';
import { defineModule } from '../../kernel/module.js';
import { ErrorBody } from '../contract/api-schemas.js';
import { userOf } from '../http-auth.js';
import { httpRoutesKey } from '../http-routes.js';

const Address = Type.String({ minLength: 3, maxLength: 320 });
const RoomView = Type.Object({
  jid: Type.String(),
  name: Type.String(),
  affiliation: Type.String(),
  persistent: Type.Boolean(),
  membersOnly: Type.Boolean(),
  occupants: Type.Integer(),
});
type RoomView = Static<typeof RoomView>;
const EscalateBody = Type.Object(
  {
    with: Address,
    invite: Type.Optional(Type.Array(Address, { maxItems: 49 })),
    name: Type.Optional(Type.String({ maxLength: 128 })),
    persistent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const CreateBody = Type.Object(
  {
    invite: Type.Optional(Type.Array(Address, { maxItems: 49 })),
    name: Type.Optional(Type.String({ maxLength: 128 })),
    persistent: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['rooms'];

export const roomsApiModule = defineModule({
  name: 'api-rooms',
  description: 'REST API for group chat rooms and escalating a chat to a group',
  specs: ['XEP-0045'],
  setup(ctx) {
    const rooms = ctx.use(roomServiceKey);
    const store = ctx.use(storeKey);
    const view = (room: Room, bare: string): RoomView => ({
      jid: room.jid,
      name: room.config.name,
      affiliation: rooms.affiliationOf(room, bare),
      persistent: room.config.persistent,
      membersOnly: room.config.membersOnly,
      occupants: room.occupants.size,
    });
    /** Every address must be an account of this server (a room's members are local users). */
    const localUsers = async (addresses: readonly string[]): Promise<string[]> => {
      const out: string[] = [];
      for (const address of addresses) {
        const lower = address.toLowerCase();
        const at = lower.indexOf('@');
        const username = lower.slice(0, at);
        if (at <= 0 || lower.slice(at + 1) !== ctx.domain || !(await store.accounts.findUserByName(username)))
          throw invalid(`${address} is not a user of ${ctx.domain}`, 'invite');
        out.push(userJid(username, ctx.domain));
      }
      return out;
    };
    const create = async (
      me: { userId: UserId; username: string },
      peers: string[],
      name: string | undefined,
      persistent: boolean | undefined,
    ) => {
      const bare = userJid(me.username, ctx.domain);
      const { roomJid, effects } = rooms.escalate({
        owner: { userId: me.userId, bare, full: `${bare}/api` },
        peers,
        name,
        persistent,
      });
      rooms.publish(effects); // §7.8.2 mediated invitations to every member
      const room = rooms.room(roomJid);
      if (!room) throw invalid('the room could not be created');
      return view(room, bare);
    };

    ctx.use(httpRoutesKey).add({
      name: 'rooms',
      register(app) {
        app.get(
          '/rooms',
          {
            schema: {
              summary: 'The rooms you are in or a member of',
              tags,
              response: { 200: Type.Array(RoomView), ...errors },
            },
          },
          async (request) => {
            const bare = userJid(userOf(request).username, ctx.domain);
            return rooms.roomsOf(bare).map((room) => view(room, bare));
          },
        );
        app.post<{ Body: Static<typeof CreateBody> }>(
          '/rooms',
          {
            schema: {
              summary: 'Create a members-only room you own and invite people to it',
              tags,
              body: CreateBody,
              response: { 201: RoomView, ...errors },
            },
          },
          async (request, reply) => {
            const me = userOf(request);
            const peers = await localUsers(request.body.invite ?? []);
            if (peers.length === 0) throw invalid('invite at least one person', 'invite');
            return reply
              .status(201)
              .send(await create(me, peers, request.body.name, request.body.persistent));
          },
        );
        app.post<{ Body: Static<typeof EscalateBody> }>(
          '/rooms/escalate',
          {
            schema: {
              summary: 'Turn a 1:1 chat into a group: a new room with the peer and the invitees as members',
              tags,
              body: EscalateBody,
              response: { 201: RoomView, ...errors },
            },
          },
          async (request, reply) => {
            const me = userOf(request);
            const peers = await localUsers([request.body.with, ...(request.body.invite ?? [])]);
            return reply
              .status(201)
              .send(await create(me, peers, request.body.name, request.body.persistent));
          },
        );
      },
    });
  },
});
