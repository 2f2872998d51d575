export * from './compliance-policy.js';
export * from './compliance-service.js';
