/** Limits both ComplianceQueueStore adapters keep. */
import { invalid } from '../../kernel/errors.js';

export const MAX_COMPLIANCE_BATCH = 500;

export function checkComplianceLimit(limit: number): void {
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > MAX_COMPLIANCE_BATCH)
    throw invalid(`limit must be an integer in 1..${MAX_COMPLIANCE_BATCH}`, 'limit');
}
