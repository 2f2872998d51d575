/** The limits both archive adapters keep (core/ports.ts ArchiveStore). */
import { invalid } from '../../kernel/errors.js';

/** The most records one list() or conversations() call returns. */
export const MAX_ARCHIVE_PAGE = 1000;

export function checkArchiveLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_ARCHIVE_PAGE)
    throw invalid(`limit must be an integer in 1..${MAX_ARCHIVE_PAGE}`, 'limit');
}
