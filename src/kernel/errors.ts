/**
 * Coded errors (STYLE habit 9): protocol errors are values; these are for failures that cross a
 * layer and must keep a stable, documented code (Fastify's FST_ERR_* model).
 */
export type HeraldErrorCode =
  | 'HERALD_ERR_CONFIG' // bad configuration: exit 2
  | 'HERALD_ERR_ARGUMENT' // bad command-line argument: exit 2
  | 'HERALD_ERR_VALIDATION' // a value from outside failed validation (HTTP 400)
  | 'HERALD_ERR_CONFLICT' // unique key already taken (HTTP 409)
  | 'HERALD_ERR_NOT_FOUND' // HTTP 404
  | 'HERALD_ERR_UNAUTHENTICATED' // HTTP 401
  | 'HERALD_ERR_FORBIDDEN' // HTTP 403
  | 'HERALD_ERR_RATE_LIMITED' // HTTP 429
  | 'HERALD_ERR_UNAVAILABLE' // a dependency (store, bus) is down: HTTP 503
  | 'HERALD_ERR_MODULE' // module wiring: unknown dependency, cycle, duplicate owner
  | 'HERALD_ERR_INTERNAL';

export class HeraldError extends Error {
  override readonly name = 'HeraldError';
  constructor(
    readonly code: HeraldErrorCode,
    message: string,
    /** The offending field, key or argument, when there is one. */
    readonly field?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isHeraldError(value: unknown, code?: HeraldErrorCode): value is HeraldError {
  return value instanceof HeraldError && (code === undefined || value.code === code);
}

export const conflict = (message: string, field?: string): HeraldError =>
  new HeraldError('HERALD_ERR_CONFLICT', message, field);
export const notFound = (message: string, field?: string): HeraldError =>
  new HeraldError('HERALD_ERR_NOT_FOUND', message, field);
export const invalid = (message: string, field?: string): HeraldError =>
  new HeraldError('HERALD_ERR_VALIDATION', message, field);
export const forbidden = (message: string): HeraldError => new HeraldError('HERALD_ERR_FORBIDDEN', message);

/** Replaces a store's generic conflict message with one that names the thing, for people. */
export async function explainConflict<T>(
  work: Promise<T>,
  explain: (field: string | undefined) => string,
): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isHeraldError(error, 'HERALD_ERR_CONFLICT'))
      throw new HeraldError('HERALD_ERR_CONFLICT', explain(error.field), error.field, { cause: error });
    throw error;
  }
}
