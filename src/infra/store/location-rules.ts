/**
 * The argument rules of core/ports.ts `LocationStore` (RFC 3261 §10.3 bindings), shared by every
 * adapter so that they refuse the same bad calls.
 */
import type { SipBindingRecord, UserId } from '../../core/ports.js';
import { invalid } from '../../kernel/errors.js';

/** Every binding is the user's and each contact appears once (§10.3: bindings are per contact). */
export function checkBindings(userId: UserId, bindings: readonly SipBindingRecord[]): void {
  const contacts = new Set<string>();
  for (const binding of bindings) {
    if (binding.userId !== userId)
      throw invalid(`a binding of ${binding.userId} given for ${userId}`, 'bindings');
    if (contacts.has(binding.contact)) throw invalid(`contact ${binding.contact} repeats`, 'bindings');
    contacts.add(binding.contact);
  }
}

export function checkBindingLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 0)
    throw invalid('limit must be a non-negative integer', 'limit');
}
