/** Uploaded files (XEP-0363 HTTP File Upload), protocol-neutral. */
export { type ContentProblem, type ContentWatch, exactSize } from './exact-size-content.js';
export {
  checkFilename,
  DEFAULT_CONTENT_TYPE,
  type FilenameProblem,
  MAX_ENCODED_FILENAME_LENGTH,
  MAX_FILENAME_BYTES,
  mediaTypeEssence,
  UPLOAD_ID_PATTERN,
  UPLOAD_PATH_PREFIX,
  uploadPath,
} from './upload-names.js';
export {
  DEFAULT_UPLOAD_LIMITS,
  type Download,
  type SlotOutcome,
  type SlotRefusal,
  type SlotRequest,
  type UploadAttempt,
  type UploadLimits,
  type UploadOutcome,
  UploadService,
  type UploadServiceOptions,
  type UploadSlot,
} from './upload-service.js';
