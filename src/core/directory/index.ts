export * from './directory-names.js';
export {
  type DeviceView,
  type DirectoryEntry,
  DirectoryService,
  type LineAddress,
  type NewDevice,
} from './directory-service.js';
