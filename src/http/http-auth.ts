/**
 * Who is calling the API: HTTP Basic (RFC 7617) with a user's password, or a bearer token
 * (RFC 6750) from POST /api/v1/session. Nothing under /api/v1 but that route runs without one.
 */
import type { FastifyRequest } from 'fastify';
import type { AuthService } from '../core/identity/auth-service.js';
import type { Principal, UserPrincipal } from '../core/identity/principal.js';
import { HeraldError } from '../kernel/errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function basicCredentials(header: string | undefined): { username: string; password: string } | null {
  const match = /^Basic ([A-Za-z0-9+/=]{1,2800})$/i.exec(header ?? '');
  if (!match?.[1]) return null;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

export async function authenticateRequest(
  auth: AuthService,
  request: FastifyRequest,
): Promise<UserPrincipal> {
  const header = request.headers.authorization;
  const bearer = /^Bearer ([A-Za-z0-9._~+/-]{1,128}=*)$/i.exec(header ?? '');
  if (bearer?.[1]) {
    const principal = await auth.verifyToken(bearer[1]);
    if (!principal) throw new HeraldError('HERALD_ERR_UNAUTHENTICATED', 'the token is unknown or expired');
    return principal;
  }
  const basic = basicCredentials(header);
  if (basic) return auth.authenticate(basic.username, basic.password, request.ip);
  throw new HeraldError('HERALD_ERR_UNAUTHENTICATED', 'credentials required (Basic or Bearer)');
}

export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HeraldError('HERALD_ERR_UNAUTHENTICATED', 'credentials required');
  return request.principal;
}

/** The caller as a user: HTTP callers always are (the system principal is the console's). */
export function userOf(request: FastifyRequest): UserPrincipal {
  const principal = principalOf(request);
  if (principal.kind !== 'user') throw new HeraldError('HERALD_ERR_FORBIDDEN', 'only users call the API');
  return principal;
}
