/**
 * Every error becomes a JSON body `{ error, message, field? }` with the right status; a failing
 * request never takes the server down and a 500 never shows internals.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type HeraldErrorCode, isHeraldError } from '../kernel/errors.js';
import type { ErrorBody } from './contract/api-schemas.js';

const STATUS: Record<HeraldErrorCode, number> = {
  HERALD_ERR_CONFIG: 500,
  HERALD_ERR_ARGUMENT: 400,
  HERALD_ERR_VALIDATION: 400,
  HERALD_ERR_CONFLICT: 409,
  HERALD_ERR_NOT_FOUND: 404,
  HERALD_ERR_UNAUTHENTICATED: 401,
  HERALD_ERR_FORBIDDEN: 403,
  HERALD_ERR_RATE_LIMITED: 429,
  HERALD_ERR_UNAVAILABLE: 503,
  HERALD_ERR_MODULE: 500,
  HERALD_ERR_INTERNAL: 500,
};

export function toErrorReply(error: unknown): { status: number; body: ErrorBody } {
  if (isHeraldError(error)) {
    const status = STATUS[error.code];
    const message = status >= 500 ? 'internal error' : error.message;
    return { status, body: { error: error.code, message, ...(error.field ? { field: error.field } : {}) } };
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    const first = fastifyError.validation[0];
    const path = first?.instancePath?.replace(/^\//, '').split('/').join('.') ?? '';
    const missing = (first?.params as { missingProperty?: string } | undefined)?.missingProperty;
    const extra = (first?.params as { additionalProperty?: string } | undefined)?.additionalProperty;
    const field =
      [path, missing ?? extra].filter(Boolean).join('.') || (fastifyError.validationContext ?? 'body');
    const message = extra ? `unknown field ${extra}` : `${field} ${first?.message ?? 'is invalid'}`;
    return { status: 400, body: { error: 'HERALD_ERR_VALIDATION', message, field } };
  }
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500)
    return {
      status,
      body: { error: fastifyError.code ?? 'HERALD_ERR_REQUEST', message: fastifyError.message ?? '' },
    };
  return { status: 500, body: { error: 'HERALD_ERR_INTERNAL', message: 'internal error' } };
}

export function httpErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = toErrorReply(error);
  if (status >= 500) request.log.error({ err: error }, 'request failed');
  if (status === 401) void reply.header('www-authenticate', 'Basic realm="Herald", charset="UTF-8"');
  void reply.status(status).send(body);
}
