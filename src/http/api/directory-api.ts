/**
 * /api/v1 partitions, calling search spaces, lines, devices, canned messages and directory
 * search (SPEC C1, I4, M8, U3). Reads need any signed-in user; writes an administrator (checked
 * in DirectoryService).
 */
import { type Static, Type } from '@sinclair/typebox';
import { directoryServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import {
  CallingSearchSpaceView,
  CannedMessageView,
  DeviceLinesBody,
  DevicePatchBody,
  DeviceView,
  DirectoryEntryView,
  ErrorBody,
  LineView,
  NewCallingSearchSpaceBody,
  NewCannedMessageBody,
  NewDeviceBody,
  NewLineBody,
  NewPartitionBody,
  PartitionListBody,
  PartitionView,
} from '../contract/api-schemas.js';
import { principalOf } from '../http-auth.js';
import { httpRoutesKey } from '../http-routes.js';
import { cannedView, deviceView, lineView } from '../views.js';

const NameParams = Type.Object({ name: Type.String({ maxLength: 64 }) });
const IdParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
const LineParams = Type.Object({
  partition: Type.String({ maxLength: 50 }),
  number: Type.String({ maxLength: 25 }),
});
const LineQuery = Type.Object({
  number: Type.Optional(Type.String({ maxLength: 25 })),
  partition: Type.Optional(Type.String({ maxLength: 50 })),
});
const SearchQuery = Type.Object({
  q: Type.String({ maxLength: 64 }),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export const directoryApiModule = defineModule({
  name: 'api-directory',
  description:
    'REST API for partitions, calling search spaces, lines, devices, canned messages, directory search',
  specs: ['SPEC C1', 'SPEC I4', 'SPEC M8', 'SPEC U3'],
  setup(ctx) {
    const directory = ctx.use(directoryServiceKey);
    ctx.use(httpRoutesKey).add({
      name: 'directory',
      register(app) {
        // ---------------------------------------------------------- partitions
        app.get(
          '/partitions',
          { schema: { tags: ['partitions'], response: { 200: Type.Array(PartitionView), ...errors } } },
          (request) => directory.listPartitions(principalOf(request)),
        );
        app.post<{ Body: Static<typeof NewPartitionBody> }>(
          '/partitions',
          {
            schema: {
              tags: ['partitions'],
              body: NewPartitionBody,
              response: { 201: PartitionView, ...errors },
            },
          },
          async (request, reply) =>
            reply.status(201).send(await directory.addPartition(principalOf(request), request.body)),
        );
        app.delete<{ Params: Static<typeof NameParams> }>(
          '/partitions/:name',
          { schema: { tags: ['partitions'], params: NameParams, response: errors } },
          async (request, reply) => {
            await directory.removePartition(principalOf(request), request.params.name);
            return reply.status(204).send();
          },
        );

        // ---------------------------------------------------------- calling search spaces
        const cssTags = ['calling search spaces'];
        app.get(
          '/calling-search-spaces',
          { schema: { tags: cssTags, response: { 200: Type.Array(CallingSearchSpaceView), ...errors } } },
          (request) => directory.listCallingSearchSpaces(principalOf(request)),
        );
        app.post<{ Body: Static<typeof NewCallingSearchSpaceBody> }>(
          '/calling-search-spaces',
          {
            schema: {
              tags: cssTags,
              body: NewCallingSearchSpaceBody,
              response: { 201: CallingSearchSpaceView, ...errors },
            },
          },
          async (request, reply) =>
            reply.status(201).send(await directory.addCallingSearchSpace(principalOf(request), request.body)),
        );
        app.put<{ Params: Static<typeof NameParams>; Body: Static<typeof PartitionListBody> }>(
          '/calling-search-spaces/:name/partitions',
          {
            schema: {
              tags: cssTags,
              params: NameParams,
              body: PartitionListBody,
              response: { 200: CallingSearchSpaceView, ...errors },
            },
          },
          (request) =>
            directory.setCallingSearchSpacePartitions(
              principalOf(request),
              request.params.name,
              request.body.partitions,
            ),
        );
        app.delete<{ Params: Static<typeof NameParams> }>(
          '/calling-search-spaces/:name',
          { schema: { tags: cssTags, params: NameParams, response: errors } },
          async (request, reply) => {
            await directory.removeCallingSearchSpace(principalOf(request), request.params.name);
            return reply.status(204).send();
          },
        );

        // ---------------------------------------------------------- lines
        app.get<{ Querystring: Static<typeof LineQuery> }>(
          '/lines',
          {
            schema: {
              tags: ['lines'],
              querystring: LineQuery,
              response: { 200: Type.Array(LineView), ...errors },
            },
          },
          async (request) => (await directory.listLines(principalOf(request), request.query)).map(lineView),
        );
        app.post<{ Body: Static<typeof NewLineBody> }>(
          '/lines',
          { schema: { tags: ['lines'], body: NewLineBody, response: { 201: LineView, ...errors } } },
          async (request, reply) =>
            reply.status(201).send(lineView(await directory.addLine(principalOf(request), request.body))),
        );
        app.get<{ Params: Static<typeof LineParams> }>(
          '/lines/:partition/:number',
          { schema: { tags: ['lines'], params: LineParams, response: { 200: LineView, ...errors } } },
          async (request) => lineView(await directory.getLine(principalOf(request), request.params)),
        );
        app.delete<{ Params: Static<typeof LineParams> }>(
          '/lines/:partition/:number',
          { schema: { tags: ['lines'], params: LineParams, response: errors } },
          async (request, reply) => {
            await directory.removeLine(principalOf(request), request.params);
            return reply.status(204).send();
          },
        );

        // ---------------------------------------------------------- devices
        app.get(
          '/devices',
          { schema: { tags: ['devices'], response: { 200: Type.Array(DeviceView), ...errors } } },
          async (request) => (await directory.listDevices(principalOf(request))).map(deviceView),
        );
        app.post<{ Body: Static<typeof NewDeviceBody> }>(
          '/devices',
          { schema: { tags: ['devices'], body: NewDeviceBody, response: { 201: DeviceView, ...errors } } },
          async (request, reply) =>
            reply.status(201).send(deviceView(await directory.addDevice(principalOf(request), request.body))),
        );
        app.get<{ Params: Static<typeof NameParams> }>(
          '/devices/:name',
          { schema: { tags: ['devices'], params: NameParams, response: { 200: DeviceView, ...errors } } },
          async (request) => deviceView(await directory.getDevice(principalOf(request), request.params.name)),
        );
        app.patch<{ Params: Static<typeof NameParams>; Body: Static<typeof DevicePatchBody> }>(
          '/devices/:name',
          {
            schema: {
              tags: ['devices'],
              params: NameParams,
              body: DevicePatchBody,
              response: { 200: DeviceView, ...errors },
            },
          },
          async (request) =>
            deviceView(await directory.updateDevice(principalOf(request), request.params.name, request.body)),
        );
        app.put<{ Params: Static<typeof NameParams>; Body: Static<typeof DeviceLinesBody> }>(
          '/devices/:name/lines',
          {
            schema: {
              tags: ['devices'],
              params: NameParams,
              body: DeviceLinesBody,
              response: { 200: DeviceView, ...errors },
            },
          },
          async (request) =>
            deviceView(
              await directory.setDeviceLines(principalOf(request), request.params.name, request.body.lines),
            ),
        );
        app.delete<{ Params: Static<typeof NameParams> }>(
          '/devices/:name',
          { schema: { tags: ['devices'], params: NameParams, response: errors } },
          async (request, reply) => {
            await directory.removeDevice(principalOf(request), request.params.name);
            return reply.status(204).send();
          },
        );

        // ---------------------------------------------------------- canned messages
        const cannedTags = ['canned messages'];
        app.get(
          '/canned-messages',
          { schema: { tags: cannedTags, response: { 200: Type.Array(CannedMessageView), ...errors } } },
          async (request) => (await directory.listCannedMessages(principalOf(request))).map(cannedView),
        );
        app.post<{ Body: Static<typeof NewCannedMessageBody> }>(
          '/canned-messages',
          {
            schema: {
              tags: cannedTags,
              body: NewCannedMessageBody,
              response: { 201: CannedMessageView, ...errors },
            },
          },
          async (request, reply) =>
            reply
              .status(201)
              .send(
                cannedView(
                  await directory.addCannedMessage(
                    principalOf(request),
                    request.body.text,
                    request.body.position,
                  ),
                ),
              ),
        );
        app.delete<{ Params: Static<typeof IdParams> }>(
          '/canned-messages/:id',
          { schema: { tags: cannedTags, params: IdParams, response: errors } },
          async (request, reply) => {
            await directory.removeCannedMessage(principalOf(request), request.params.id);
            return reply.status(204).send();
          },
        );

        // ---------------------------------------------------------- directory search
        app.get<{ Querystring: Static<typeof SearchQuery> }>(
          '/directory',
          {
            schema: {
              summary: 'Search people and their numbers',
              tags: ['directory'],
              querystring: SearchQuery,
              response: { 200: Type.Array(DirectoryEntryView), ...errors },
            },
          },
          (request) => directory.search(principalOf(request), request.query.q, request.query.limit),
        );
      },
    });
  },
});
