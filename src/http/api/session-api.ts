/** POST /api/v1/session: trade a username and password for a bearer token; DELETE revokes it. */
import { Type } from '@sinclair/typebox';
import { accountServiceKey, authServiceKey } from '../../core/service-keys.js';
import { defineModule } from '../../kernel/module.js';
import { ErrorBody, SessionBody, SessionView } from '../contract/api-schemas.js';
import { authenticateRequest, basicCredentials } from '../http-auth.js';
import { httpRoutesKey } from '../http-routes.js';
import { userView } from '../views.js';

export const sessionApiModule = defineModule({
  name: 'api-session',
  description: 'Bearer tokens for the REST API and the web client',
  specs: ['RFC 6750', 'RFC 7617'],
  setup(ctx) {
    const auth = ctx.use(authServiceKey);
    const accounts = ctx.use(accountServiceKey);
    ctx.use(httpRoutesKey).add({
      name: 'session',
      authenticated: false,
      register(app) {
        app.post<{ Body: { username: string; password: string } | undefined }>(
          '/session',
          {
            schema: {
              summary: 'Sign in: credentials in the body or as HTTP Basic; returns a bearer token',
              tags: ['session'],
              body: Type.Optional(SessionBody),
              response: { 201: SessionView, 401: ErrorBody, 429: ErrorBody },
            },
          },
          async (request, reply) => {
            const given = request.body ?? basicCredentials(request.headers.authorization);
            const principal = given
              ? await auth.authenticate(given.username, given.password, request.ip)
              : await authenticateRequest(auth, request);
            const { token, expiresAt } = auth.issueToken(principal);
            const user = await accounts.getUser(principal, principal.username);
            return reply
              .status(201)
              .send({ token, expiresAt: new Date(expiresAt).toISOString(), user: userView(user) });
          },
        );
        app.delete(
          '/session',
          { schema: { summary: 'Sign out: revoke this bearer token', tags: ['session'] } },
          async (request, reply) => {
            const bearer = /^Bearer (\S{1,200})$/i.exec(request.headers.authorization ?? '');
            if (!bearer?.[1] || !(await auth.verifyToken(bearer[1]))) {
              return reply
                .status(401)
                .send({ error: 'HERALD_ERR_UNAUTHENTICATED', message: 'a valid bearer token is required' });
            }
            auth.revokeToken(bearer[1]);
            return reply.status(204).send();
          },
        );
      },
    });
  },
});
