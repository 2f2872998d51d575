/**
 * Builds one Fastify instance — the HTTP and the HTTPS listener each get one from the same
 * groups: /health and /metrics (open), /api/v1/* (authenticated, with its OpenAPI document at
 * /api/v1/openapi.json), groups mounted at their own prefix (the open XEP-0363 upload URLs at
 * /upload/*), and the web client's files at /.
 */
import { existsSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifyWebsocket from '@fastify/websocket';
import Fastify, {
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  LogController,
} from 'fastify';
import type { AuthService } from '../core/identity/auth-service.js';
import type { Logger } from '../kernel/log.js';
import type { Metrics } from '../kernel/metrics.js';
import type { WebSocketEndpoints } from '../kernel/web-socket-endpoints.js';
import { ErrorBody, HealthView } from './contract/api-schemas.js';
import { authenticateRequest } from './http-auth.js';
import { httpErrorHandler } from './http-errors.js';
import type { HttpRouteRegistry } from './http-routes.js';

export interface HttpAppOptions {
  readonly auth: AuthService;
  readonly routes: HttpRouteRegistry;
  readonly webSockets: WebSocketEndpoints;
  readonly metrics: Metrics;
  readonly log: Logger;
  readonly version: string;
  readonly bodyLimit: number;
  readonly health: () => Promise<{ ok: boolean; kind: string; detail?: string }>;
  readonly startedAt: number;
  readonly now: () => number;
  /** Directory of the built web client; null or missing = none served. */
  readonly webRoot: string | null;
  readonly https?: { readonly cert: string; readonly key: string };
}

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

/** One debug line per request instead of Fastify's two at info: access logs are not errors. */
class QuietRequestLog extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(error: Error | null, request: FastifyRequest, reply: FastifyReply): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      ms: reply.elapsedTime,
    };
    if (error) request.log.error({ ...line, err: error }, 'request failed');
    else request.log.debug(line, 'request');
  }
}

export async function buildHttpApp(o: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: o.log,
    logController: new QuietRequestLog(),
    bodyLimit: o.bodyLimit,
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Unknown fields are an error the caller should hear about, not silently dropped.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    ...(o.https ? { https: { cert: o.https.cert, key: o.https.key } } : {}),
  }) as unknown as FastifyInstance;

  app.decorateRequest('principal', null);
  app.setErrorHandler(httpErrorHandler);
  app.setNotFoundHandler((_request, reply) => {
    void reply.status(404).send({ error: 'HERALD_ERR_NOT_FOUND', message: 'no such resource' });
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.headers(SECURITY_HEADERS);
    // The web client marks its fetches: a Basic challenge there would pop the browser's own password
    // dialog over the sign-in form, so it is offered the Bearer challenge instead (RFC 6750 §3).
    if (reply.statusCode === 401 && request.headers['x-requested-with'] === 'XMLHttpRequest')
      void reply.header('www-authenticate', 'Bearer realm="Herald"');
    if (o.https) void reply.header('strict-transport-security', 'max-age=31536000');
  });
  app.addSchema(ErrorBody);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Herald API', version: o.version, description: 'Administration and client API' },
      servers: [{ url: '/' }],
      components: {
        securitySchemes: {
          basic: { type: 'http', scheme: 'basic' },
          bearer: { type: 'http', scheme: 'bearer' },
        },
      },
      security: [{ basic: [] }, { bearer: [] }],
    },
  });

  app.get(
    '/health',
    { schema: { hide: true, response: { 200: HealthView, 503: HealthView } } },
    async (_req, reply) => {
      const store = await o.health();
      const body = {
        status: store.ok ? ('ok' as const) : ('degraded' as const),
        version: o.version,
        uptimeSeconds: Math.round((o.now() - o.startedAt) / 1000),
        store,
      };
      return reply.status(store.ok ? 200 : 503).send(body);
    },
  );

  await serveWebSockets(app, o.webSockets, Boolean(o.https));

  app.get('/metrics', { schema: { hide: true } }, async (_req, reply) => {
    return reply.type(o.metrics.contentType).send(await o.metrics.render());
  });

  for (const group of o.routes.groups) {
    await app.register(
      async (scope) => {
        if (group.authenticated !== false)
          scope.addHook('onRequest', async (request) => {
            request.principal = await authenticateRequest(o.auth, request);
          });
        await group.register(scope);
      },
      { prefix: group.prefix ?? '/api/v1' },
    );
  }

  // SPEC, Operator interface: nothing but /health, /metrics and the web client is served anonymously.
  await app.register(
    async (scope) => {
      scope.addHook('onRequest', async (request) => {
        request.principal = await authenticateRequest(o.auth, request);
      });
      scope.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
    },
    { prefix: '/api/v1' },
  );

  if (o.webRoot && existsSync(o.webRoot)) {
    await app.register(fastifyStatic, {
      root: o.webRoot,
      prefix: '/',
      index: 'index.html',
      cacheControl: true,
    });
  }
  return app;
}

/** Each protocol's WebSocket endpoint (RFC 6455), with its subprotocol required (RFC 7395 §3.2, RFC 7118 §4). */
async function serveWebSockets(
  app: FastifyInstance,
  endpoints: WebSocketEndpoints,
  isSecure: boolean,
): Promise<void> {
  const all = endpoints.all;
  if (all.length === 0) return;
  const byPath = new Map(all.map((e) => [e.path, e]));
  await app.register(fastifyWebsocket, {
    options: {
      maxPayload: Math.max(...all.map((e) => e.maxMessageBytes)),
      handleProtocols: (offered: Set<string>, request: { url?: string }) => {
        const endpoint = byPath.get((request.url ?? '').split('?')[0] ?? '');
        return endpoint && offered.has(endpoint.subprotocol) ? endpoint.subprotocol : false;
      },
    },
  });
  for (const endpoint of all) {
    app.get(endpoint.path, { websocket: true, schema: { hide: true } }, (socket, request) => {
      if (socket.protocol !== endpoint.subprotocol) {
        socket.close(1002, `the ${endpoint.subprotocol} subprotocol is required`);
        return;
      }
      endpoint.accept({
        protocol: socket.protocol,
        remoteAddress: request.ip,
        isSecure,
        send: (text) => {
          if (socket.readyState === socket.OPEN) socket.send(text);
        },
        close: (code, reason) => socket.close(code ?? 1000, reason),
        onMessage: (listener) =>
          socket.on('message', (data, isBinary) => {
            if (isBinary) socket.close(1003, 'text frames only');
            else listener(data.toString());
          }),
        onClose: (listener) => socket.on('close', listener),
      });
    });
  }
}
