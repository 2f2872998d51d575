import assert from 'node:assert/strict';
import { isRosterError, type RosterErrorReason } from '../../src/core/roster/roster-errors.js';

/** Asserts that `work` fails with the roster refusal `reason` (and names `field`, if given). */
export async function refuses(
  reason: RosterErrorReason,
  work: () => Promise<unknown>,
  field?: string,
): Promise<void> {
  await assert.rejects(work, (error) => {
    assert.ok(isRosterError(error, reason), String(error));
    if (field) assert.equal(error.field, field);
    return true;
  });
}
