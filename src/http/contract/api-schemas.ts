/**
 * The REST API's request and response shapes (JSON Schema via TypeBox), shared by the server's
 * routes, the OpenAPI document and the web client.
 */
import { type Static, Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object(
  {
    error: Type.String({ description: 'stable code, e.g. HERALD_ERR_CONFLICT' }),
    message: Type.String(),
    field: Type.Optional(Type.String({ description: 'the offending field, when there is one' })),
  },
  { $id: 'Error' },
);
export type ErrorBody = Static<typeof ErrorBody>;

const Timestamp = Type.String({ format: 'date-time' });

export const UserView = Type.Object({
  id: Type.String(),
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  isAdmin: Type.Boolean(),
  createdAt: Timestamp,
});
export type UserView = Static<typeof UserView>;

export const NewUserBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
    email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
    isAdmin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UserPatchBody = Type.Object(
  {
    displayName: Type.Optional(Type.String({ maxLength: 128 })),
    email: Type.Optional(Type.Union([Type.String({ maxLength: 320 }), Type.Null()])),
    isAdmin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const PasswordBody = Type.Object(
  { password: Type.String({ minLength: 1, maxLength: 1024 }) },
  { additionalProperties: false },
);

export const UserPage = Type.Object({ users: Type.Array(UserView), total: Type.Integer() });

export const SessionBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 1024 }),
  },
  { additionalProperties: false },
);

export const SessionView = Type.Object({ token: Type.String(), expiresAt: Timestamp, user: UserView });

export const PartitionView = Type.Object({ name: Type.String(), description: Type.String() });
export const NewPartitionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50 }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const CallingSearchSpaceView = Type.Object({
  name: Type.String(),
  description: Type.String(),
  partitions: Type.Array(Type.String()),
});
export const NewCallingSearchSpaceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 50 }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    partitions: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 }),
  },
  { additionalProperties: false },
);
export const PartitionListBody = Type.Object(
  { partitions: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 100 }) },
  { additionalProperties: false },
);

export const LineAddressBody = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 25 }),
    partition: Type.String({ minLength: 1, maxLength: 50 }),
  },
  { additionalProperties: false },
);
export const LineView = Type.Object({
  id: Type.String(),
  number: Type.String(),
  partition: Type.String(),
  description: Type.String(),
  createdAt: Timestamp,
});
export type LineView = Static<typeof LineView>;
export const NewLineBody = Type.Object(
  {
    number: Type.String({ minLength: 1, maxLength: 25 }),
    partition: Type.String({ minLength: 1, maxLength: 50 }),
    description: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const DeviceKind = Type.Union([Type.Literal('deskphone'), Type.Literal('softphone')]);
export const DeviceView = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: DeviceKind,
  mac: Type.Union([Type.String(), Type.Null()]),
  description: Type.String(),
  callingSearchSpace: Type.Union([Type.String(), Type.Null()]),
  lines: Type.Array(LineView),
  users: Type.Array(Type.String()),
  createdAt: Timestamp,
});
export type DeviceView = Static<typeof DeviceView>;
export const NewDeviceBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 64 }),
    kind: DeviceKind,
    mac: Type.Optional(Type.Union([Type.String({ maxLength: 17 }), Type.Null()])),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    callingSearchSpace: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
    lines: Type.Optional(Type.Array(LineAddressBody, { maxItems: 64 })),
  },
  { additionalProperties: false },
);
export const DevicePatchBody = Type.Object(
  {
    mac: Type.Optional(Type.Union([Type.String({ maxLength: 17 }), Type.Null()])),
    description: Type.Optional(Type.String({ maxLength: 200 })),
    callingSearchSpace: Type.Optional(Type.Union([Type.String({ maxLength: 50 }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
);
export const DeviceLinesBody = Type.Object(
  { lines: Type.Array(LineAddressBody, { maxItems: 64 }) },
  { additionalProperties: false },
);

export const CannedMessageView = Type.Object({
  id: Type.String(),
  text: Type.String(),
  position: Type.Integer(),
  createdAt: Timestamp,
});
export const NewCannedMessageBody = Type.Object(
  {
    text: Type.String({ minLength: 1, maxLength: 160 }),
    position: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000 })),
  },
  { additionalProperties: false },
);

export const DirectoryEntryView = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  numbers: Type.Array(Type.Object({ number: Type.String(), partition: Type.String() })),
});

export const HealthView = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  version: Type.String(),
  uptimeSeconds: Type.Number(),
  store: Type.Object({ ok: Type.Boolean(), kind: Type.String(), detail: Type.Optional(Type.String()) }),
});
