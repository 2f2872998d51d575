/** /api/v1/users and /api/v1/me: accounts (SPEC U3, S4) and a user's own devices (SPEC I4, CCMCIP). */
import { type Static, Type } from '@sinclair/typebox';
import { accountServiceKey, directoryServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import {
  DeviceView,
  ErrorBody,
  NewUserBody,
  PasswordBody,
  UserPage,
  UserPatchBody,
  UserView,
} from '../contract/api-schemas.js';
import { principalOf, userOf } from '../http-auth.js';
import { httpRoutesKey } from '../http-routes.js';
import { deviceView, userView } from '../views.js';

const UserParams = Type.Object({ username: Type.String({ maxLength: 64 }) });
const DeviceParams = Type.Object({
  username: Type.String({ maxLength: 64 }),
  device: Type.String({ maxLength: 64 }),
});
const UserListQuery = Type.Object({
  search: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const tags = ['users'];

export const usersApiModule = defineModule({
  name: 'api-users',
  description: 'REST API for users, their passwords and their devices',
  specs: ['SPEC U3', 'SPEC I4'],
  setup(ctx) {
    const accounts = ctx.use(accountServiceKey);
    const directory = ctx.use(directoryServiceKey);
    ctx.use(httpRoutesKey).add({
      name: 'users',
      register(app) {
        app.get<{ Querystring: Static<typeof UserListQuery> }>(
          '/users',
          {
            schema: {
              summary: 'List or search users',
              tags,
              querystring: UserListQuery,
              response: { 200: UserPage, ...errors },
            },
          },
          async (request) => {
            const page = await accounts.listUsers(principalOf(request), request.query);
            return { users: page.users.map(userView), total: page.total };
          },
        );
        app.post<{ Body: Static<typeof NewUserBody> }>(
          '/users',
          {
            schema: {
              summary: 'Add a user (administrators)',
              tags,
              body: NewUserBody,
              response: { 201: UserView, ...errors },
            },
          },
          async (request, reply) =>
            reply.status(201).send(userView(await accounts.addUser(principalOf(request), request.body))),
        );
        app.get<{ Params: Static<typeof UserParams> }>(
          '/users/:username',
          {
            schema: { summary: 'One user', tags, params: UserParams, response: { 200: UserView, ...errors } },
          },
          async (request) => userView(await accounts.getUser(principalOf(request), request.params.username)),
        );
        app.patch<{ Params: Static<typeof UserParams>; Body: Static<typeof UserPatchBody> }>(
          '/users/:username',
          {
            schema: {
              summary: 'Change a user',
              tags,
              params: UserParams,
              body: UserPatchBody,
              response: { 200: UserView, ...errors },
            },
          },
          async (request) =>
            userView(await accounts.updateUser(principalOf(request), request.params.username, request.body)),
        );
        app.put<{ Params: Static<typeof UserParams>; Body: Static<typeof PasswordBody> }>(
          '/users/:username/password',
          {
            schema: {
              summary: "Set a user's password (the user or an administrator)",
              tags,
              params: UserParams,
              body: PasswordBody,
              response: errors,
            },
          },
          async (request, reply) => {
            await accounts.setPassword(principalOf(request), request.params.username, request.body.password);
            return reply.status(204).send();
          },
        );
        app.delete<{ Params: Static<typeof UserParams> }>(
          '/users/:username',
          {
            schema: { summary: 'Remove a user (administrators)', tags, params: UserParams, response: errors },
          },
          async (request, reply) => {
            // AccountService tells the credential caches (AuthService, SIP digest) itself.
            await accounts.removeUser(principalOf(request), request.params.username);
            return reply.status(204).send();
          },
        );
        app.get<{ Params: Static<typeof UserParams> }>(
          '/users/:username/devices',
          {
            schema: {
              summary: "A user's associated devices with their lines",
              tags,
              params: UserParams,
              response: { 200: Type.Array(DeviceView), ...errors },
            },
          },
          async (request) =>
            (await directory.devicesOfUser(principalOf(request), request.params.username)).map(deviceView),
        );
        app.put<{ Params: Static<typeof DeviceParams> }>(
          '/users/:username/devices/:device',
          {
            schema: {
              summary: 'Associate a device with a user (administrators)',
              tags,
              params: DeviceParams,
              response: errors,
            },
          },
          async (request, reply) => {
            await directory.associate(principalOf(request), request.params.username, request.params.device);
            return reply.status(204).send();
          },
        );
        app.delete<{ Params: Static<typeof DeviceParams> }>(
          '/users/:username/devices/:device',
          {
            schema: {
              summary: 'Dissociate a device from a user (administrators)',
              tags,
              params: DeviceParams,
              response: errors,
            },
          },
          async (request, reply) => {
            await directory.dissociate(principalOf(request), request.params.username, request.params.device);
            return reply.status(204).send();
          },
        );

        // The caller's own account: what a client or a phone asks right after sign-in.
        app.get(
          '/me',
          { schema: { summary: 'The signed-in user', tags: ['me'], response: { 200: UserView, ...errors } } },
          async (request) => {
            const principal = userOf(request);
            return userView(await accounts.getUser(principal, principal.username));
          },
        );
        app.get(
          '/me/devices',
          {
            schema: {
              summary: 'The devices the signed-in user may use (CCMCIP stand-in)',
              tags: ['me'],
              response: { 200: Type.Array(DeviceView), ...errors },
            },
          },
          async (request) => {
            const principal = userOf(request);
            return (await directory.devicesOfUser(principal, principal.username)).map(deviceView);
          },
        );
        app.put<{ Body: Static<typeof PasswordBody> }>(
          '/me/password',
          {
            schema: {
              summary: 'Change your own password',
              tags: ['me'],
              body: PasswordBody,
              response: errors,
            },
          },
          async (request, reply) => {
            const principal = userOf(request);
            await accounts.setPassword(principal, principal.username, request.body.password);
            return reply.status(204).send();
          },
        );
      },
    });
  },
});
