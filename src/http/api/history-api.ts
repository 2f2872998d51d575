/**
 * /api/v1/conversations, /api/v1/conversations/{peer}/messages, /api/v1/messages/search: the web
 * client's view of the caller's own message archive (SPEC M5; the XMPP view is XEP-0313). Only
 * the caller's archive is ever read: the user comes from the credentials, never the path.
 */
import { Type } from '@sinclair/typebox';
import type { ArchivedMessageRecord } from '../../core/ports.js';
import { archiveServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { ErrorBody } from '../contract/api-schemas.js';
import { ConversationList, type HistoryMessage, HistoryPage } from '../contract/history-schemas.js';
import { userOf } from '../http-auth.js';
import { httpRoutesKey } from '../http-routes.js';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody };
const tags = ['history'];
const MAX_LIMIT = 200;

export function historyMessage(record: ArchivedMessageRecord): HistoryMessage {
  return {
    id: record.id,
    peer: record.peer,
    direction: record.direction,
    at: new Date(record.at).toISOString(),
    body: record.body,
  };
}

const PageQuery = Type.Object({
  before: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 50 })),
});
const SearchQuery = Type.Object({
  q: Type.String({ minLength: 1, maxLength: 200 }),
  before: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 50 })),
});
const PeerParams = Type.Object({ peer: Type.String({ minLength: 1, maxLength: 512 }) });

export const historyApiModule = defineModule({
  name: 'api-history',
  description: 'REST API for the caller’s conversations, history pages and message search',
  specs: ['SPEC M5'],
  setup(ctx) {
    const archive = ctx.use(archiveServiceKey);
    const page = async (
      userId: Parameters<typeof archive.query>[0],
      filter: Parameters<typeof archive.query>[1],
      query: { before?: string; limit?: number },
    ): Promise<HistoryPage> => {
      // Newest page first: an empty `before` is the last page (XEP-0059 §2.5 semantics).
      const result = await archive.query(userId, filter, {
        max: query.limit ?? 50,
        before: query.before ?? true,
      });
      return {
        messages: result.items.map(historyMessage),
        before: result.complete ? null : result.first,
        total: result.count,
      };
    };
    ctx.use(httpRoutesKey).add({
      name: 'history',
      register(app) {
        app.get(
          '/conversations',
          {
            schema: {
              summary: 'Your conversations, each peer with the newest message, newest first',
              tags,
              querystring: Type.Object({
                limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 50 })),
              }),
              response: { 200: ConversationList, ...errors },
            },
          },
          async (request) => {
            const { limit } = request.query as { limit?: number };
            const records = await archive.conversations(userOf(request).userId, limit ?? 50);
            return { conversations: records.map((r) => ({ peer: r.peer, last: historyMessage(r) })) };
          },
        );
        app.get(
          '/conversations/:peer/messages',
          {
            schema: {
              summary: 'A page of your history with one peer, oldest first; `before` pages back',
              tags,
              params: PeerParams,
              querystring: PageQuery,
              response: { 200: HistoryPage, ...errors },
            },
          },
          async (request) => {
            const { peer } = request.params as { peer: string };
            return page(userOf(request).userId, { peer: peer.toLowerCase() }, request.query as never);
          },
        );
        app.get(
          '/messages/search',
          {
            schema: {
              summary: 'Your messages whose text contains q (case-insensitive), newest page first',
              tags,
              querystring: SearchQuery,
              response: { 200: HistoryPage, ...errors },
            },
          },
          async (request) => {
            const query = request.query as { q: string; before?: string; limit?: number };
            return page(userOf(request).userId, { text: query.q }, query);
          },
        );
      },
    });
    return () => {};
  },
});
