/**
 * The argument rules of core/ports.ts `OfflineStore`, shared by every adapter so that they refuse
 * the same bad calls: a quota and a peek limit are non-negative integers.
 */
import { invalid } from '../../kernel/errors.js';

function checkCount(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 0)
    throw invalid(`${field} must be a non-negative integer`, field);
}

/** 0 refuses every message. */
export function checkQuota(quota: number): void {
  checkCount(quota, 'quota');
}

export function checkPeekLimit(limit: number): void {
  checkCount(limit, 'limit');
}
