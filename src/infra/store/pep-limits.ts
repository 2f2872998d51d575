/**
 * The argument rules of core/ports.ts `PepStore`, shared by every adapter so that they refuse the
 * same bad calls: limits are positive integers and a node keeps at least one item.
 */
import type { PepNodeRecord } from '../../core/ports.js';
import { invalid } from '../../kernel/errors.js';

function checkPositive(value: number, field: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw invalid(`${field} must be a positive integer`, field);
}

export function checkMaxNodes(maxNodes: number): void {
  checkPositive(maxNodes, 'maxNodes');
}

export function checkNodeRecord(node: PepNodeRecord): void {
  checkPositive(node.maxItems, 'maxItems');
}

/** 0 asks for nothing. */
export function checkItemLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw invalid('limit must be a non-negative integer', 'limit');
}
