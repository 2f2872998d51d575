/** The ComplianceSink the `compliance` configuration section asks for (docs/operations.md). */
import type { ComplianceSink } from '../../core/ports.js';
import type { KernelConfig } from '../../kernel/config-schema.js';
import { HeraldError } from '../../kernel/errors.js';
import { PostgresComplianceSink } from './postgres-compliance-sink.js';
import { WebhookComplianceSink } from './webhook-compliance-sink.js';

export function openComplianceSink(config: KernelConfig['compliance']): ComplianceSink | null {
  if (config.sink !== 'none' && config.url === '')
    throw new HeraldError(
      'HERALD_ERR_CONFIG',
      `compliance.url is required for the ${config.sink} sink`,
      'compliance.url',
    );
  switch (config.sink) {
    case 'none':
      return null;
    case 'postgres':
      return new PostgresComplianceSink({ url: config.url, timeoutMs: config.timeoutMs });
    case 'webhook':
      return new WebhookComplianceSink({ url: config.url, timeoutMs: config.timeoutMs });
    default: {
      const never: never = config.sink;
      return never;
    }
  }
}
