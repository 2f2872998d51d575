export { openComplianceSink } from './open-compliance-sink.js';
export * from './postgres-compliance-sink.js';
export * from './webhook-compliance-sink.js';
