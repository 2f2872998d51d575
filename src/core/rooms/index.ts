export * from './room-archiver.js';
export * from './room-policy.js';
export * from './room-service.js';
