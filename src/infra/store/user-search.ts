/**
 * The `listUsers` rules of core/ports.ts (`UserQuery`), shared by every adapter so that they
 * match the same users: a case-insensitive substring of the username or the display name.
 */

import type { UserQuery } from '../../core/ports.js';
import { invalid } from '../../kernel/errors.js';

/**
 * Case folding done in JavaScript, not by the database: SQLite's lower() and LIKE fold ASCII
 * only, PostgreSQL's depend on the collation. SQL adapters store the folded display name.
 */
export function foldForSearch(text: string): string {
  return text.toLowerCase();
}

/** Usernames are lower case (UserRecord.username), so they are matched as stored. */
export function matchesUserSearch(username: string, displayName: string, search: string): boolean {
  const needle = foldForSearch(search);
  return username.includes(needle) || foldForSearch(displayName).includes(needle);
}

/** limit and offset are non-negative integers; every adapter refuses the same bad queries. */
export function checkUserQuery(query: UserQuery): void {
  for (const field of ['limit', 'offset'] as const) {
    const value = query[field];
    if (!Number.isSafeInteger(value) || value < 0) {
      throw invalid(`${field} must be a non-negative integer`, field);
    }
  }
}
