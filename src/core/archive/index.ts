export {
  type ArchivePage,
  ArchiveService,
  type ArchiveServiceOptions,
  type PageRequest,
} from './archive-service.js';
