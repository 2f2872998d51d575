/**
 * XEP-0363: HTTP File Upload — https://xmpp.org/extensions/xep-0363.html
 * Protocol-neutral: hands out upload slots (§4) within a per-file size limit, a per-user quota
 * and a slot rate limit (§5), accepts the upload a slot allows (§6) and opens stored files for
 * download. A slot is a pair of random 256-bit ids (§8: long random URL parts that cannot be
 * guessed): the PUT token, single-use and short-lived, and the file id the GET URL names, so a
 * download link shared in a chat can never be used to write.
 */
import type { Clock } from '../../kernel/clock.js';
import type { IdSource } from '../../kernel/ids.js';
import { asFileId, type FileId, type FileStore, type UserId } from '../ports.js';
import { type ContentWatch, exactSize } from './exact-size-content.js';
import {
  checkFilename,
  DEFAULT_CONTENT_TYPE,
  type FilenameProblem,
  mediaTypeEssence,
  UPLOAD_ID_PATTERN,
  uploadPath,
} from './upload-names.js';

export interface UploadLimits {
  /** Bytes per file (default 50 MiB); announced in disco (§3) and enforced per slot (§5). */
  readonly maxFileSize: number;
  /** Bytes per user over every stored file and open slot (default 1 GiB). */
  readonly quotaBytes: number;
  /** Slots granted per user in any 60 s (default 10). */
  readonly slotsPerMinute: number;
  /** How long a slot's PUT URL is valid (default 5 minutes). */
  readonly slotTtlMs: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = Object.freeze({
  maxFileSize: 50 * 1024 * 1024,
  quotaBytes: 1024 * 1024 * 1024,
  slotsPerMinute: 10,
  // §7 recommends around 60 s; five minutes leaves room for a phone that asks, then waits for its radio.
  slotTtlMs: 5 * 60_000,
});

export interface UploadServiceOptions {
  readonly files: FileStore;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly limits?: Partial<UploadLimits>;
}

export interface SlotRequest {
  readonly filename: string;
  readonly size: number;
  /** §4: OPTIONAL. */
  readonly contentType?: string | undefined;
}

export interface UploadSlot {
  readonly putUrl: string;
  readonly getUrl: string;
  /** §4: header fields the PUT must carry; none, since the PUT URL holds the token. */
  readonly putHeaders: readonly { readonly name: string; readonly value: string }[];
  readonly expiresAt: number;
}

export type SlotRefusal =
  | {
      readonly code: 'invalid-request';
      readonly field: 'filename' | 'size' | 'contentType';
      readonly reason: string;
    }
  | { readonly code: 'file-too-large'; readonly maxFileSize: number }
  | { readonly code: 'quota-exceeded'; readonly quotaBytes: number; readonly usedBytes: number }
  | { readonly code: 'rate-limited'; readonly retryAt: number; readonly slotsPerMinute: number };

export type SlotOutcome =
  | { readonly ok: true; readonly slot: UploadSlot }
  | { readonly ok: false; readonly refusal: SlotRefusal };

export interface UploadAttempt {
  readonly token: string;
  /** The name in the PUT URL, decoded. */
  readonly filename: string;
  /** The Content-Length; undefined when none was sent. */
  readonly declaredSize: number | undefined;
  /** The Content-Type header as sent. */
  readonly contentType: string | undefined;
  readonly content: AsyncIterable<Uint8Array>;
}

export type UploadOutcome =
  | { readonly ok: true; readonly fileId: FileId }
  /** Forged, expired, already used, or another name than the slot's. */
  | { readonly ok: false; readonly code: 'unknown-slot' }
  | { readonly ok: false; readonly code: 'length-required' }
  | { readonly ok: false; readonly code: 'size-mismatch'; readonly expected: number }
  | { readonly ok: false; readonly code: 'content-type-mismatch'; readonly expected: string }
  /** The sender's stream broke off; nothing was stored. */
  | { readonly ok: false; readonly code: 'incomplete' };

export interface Download {
  readonly name: string;
  readonly contentType: string;
  readonly size: number;
  read(): AsyncIterable<Uint8Array>;
}

interface Slot {
  readonly token: string;
  readonly fileId: FileId;
  readonly userId: UserId;
  readonly name: string;
  readonly size: number;
  /** Null when the client named none (§4: OPTIONAL). */
  readonly contentType: string | null;
  readonly expiresAt: number;
  isUploading: boolean;
}

const RATE_WINDOW_MS = 60_000;

export class UploadService {
  readonly limits: UploadLimits;
  readonly #files: FileStore;
  readonly #clock: Clock;
  readonly #ids: IdSource;
  /** Open and uploading slots by token, oldest first (all live equally long). */
  readonly #slots = new Map<string, Slot>();
  /** Per user, when the slots of the last minute were granted. */
  readonly #grants = new Map<UserId, number[]>();
  #uploadsFinished = 0;

  constructor(options: UploadServiceOptions) {
    this.limits = Object.freeze({ ...DEFAULT_UPLOAD_LIMITS, ...options.limits });
    for (const [key, value] of Object.entries(this.limits))
      if (!Number.isSafeInteger(value) || value < 1)
        throw new RangeError(`${key} must be a positive integer`);
    this.#files = options.files;
    this.#clock = options.clock;
    this.#ids = options.ids;
  }

  /** §4: a slot for one file of `request.size` bytes; URLs under `publicBaseUrl` (no trailing slash). */
  async requestSlot(userId: UserId, request: SlotRequest, publicBaseUrl: string): Promise<SlotOutcome> {
    const invalid = checkRequest(request);
    if (invalid) return { ok: false, refusal: invalid };
    const contentType = request.contentType === undefined ? null : mediaTypeEssence(request.contentType);
    // §5: the service MAY refuse a file that is too large, saying what the maximum is.
    if (request.size > this.limits.maxFileSize)
      return { ok: false, refusal: { code: 'file-too-large', maxFileSize: this.limits.maxFileSize } };
    // An upload that finished while the usage was read would count neither as stored nor as open.
    let stored: number;
    let seen: number;
    do {
      seen = this.#uploadsFinished;
      stored = await this.#files.usage(userId);
    } while (seen !== this.#uploadsFinished);
    // From here on nothing awaits, so concurrent requests see each other's slots and grants.
    const now = this.#clock.now();
    this.#expire(now);
    const recent = this.#recentGrants(userId, now);
    const oldest = recent[0];
    if (oldest !== undefined && recent.length >= this.limits.slotsPerMinute) {
      const retryAt = oldest + RATE_WINDOW_MS;
      return {
        ok: false,
        refusal: { code: 'rate-limited', retryAt, slotsPerMinute: this.limits.slotsPerMinute },
      };
    }
    // Open slots count too, so that several slots asked for at once cannot overrun the quota.
    const usedBytes = stored + this.#reserved(userId);
    if (usedBytes + request.size > this.limits.quotaBytes)
      return {
        ok: false,
        refusal: { code: 'quota-exceeded', quotaBytes: this.limits.quotaBytes, usedBytes },
      };

    const slot: Slot = {
      token: this.#randomId(),
      fileId: asFileId(this.#randomId()),
      userId,
      name: request.filename,
      size: request.size,
      contentType,
      expiresAt: now + this.limits.slotTtlMs,
      isUploading: false,
    };
    this.#slots.set(slot.token, slot);
    recent.push(now);
    this.#grants.set(userId, recent);
    return {
      ok: true,
      slot: {
        putUrl: `${publicBaseUrl}${uploadPath(slot.token, slot.name)}`,
        getUrl: `${publicBaseUrl}${uploadPath(slot.fileId, slot.name)}`,
        putHeaders: [],
        expiresAt: slot.expiresAt,
      },
    };
  }

  /** §6: stores the body a slot allows; the slot is used up once its body starts to be read. */
  async acceptUpload(attempt: UploadAttempt): Promise<UploadOutcome> {
    this.#expire(this.#clock.now());
    const slot = this.#slots.get(attempt.token);
    if (!slot || slot.isUploading || slot.name !== attempt.filename)
      return { ok: false, code: 'unknown-slot' };
    if (attempt.declaredSize === undefined) return { ok: false, code: 'length-required' };
    // §6: the service MUST reject the upload if the Content-Length does not match the slot's size.
    if (attempt.declaredSize !== slot.size) return { ok: false, code: 'size-mismatch', expected: slot.size };
    // §6: the service SHOULD reject it if the Content-Type was given beforehand and does not match.
    const sent = attempt.contentType === undefined ? null : mediaTypeEssence(attempt.contentType);
    if (slot.contentType !== null && sent !== slot.contentType)
      return { ok: false, code: 'content-type-mismatch', expected: slot.contentType };

    slot.isUploading = true; // single use: a second PUT with the token finds no slot
    const watch: ContentWatch = { received: 0, problem: null };
    try {
      await this.#files.put(
        {
          id: slot.fileId,
          userId: slot.userId,
          name: slot.name,
          contentType: slot.contentType ?? DEFAULT_CONTENT_TYPE,
          size: slot.size,
          createdAt: this.#clock.now(),
        },
        exactSize(attempt.content, slot.size, watch),
      );
    } catch (error) {
      if (watch.problem === 'broken') return { ok: false, code: 'incomplete' };
      if (watch.problem !== null) return { ok: false, code: 'size-mismatch', expected: slot.size };
      throw error;
    } finally {
      this.#slots.delete(slot.token);
      this.#uploadsFinished++;
    }
    return { ok: true, fileId: slot.fileId };
  }

  /** A stored file by the id and name of its GET URL; undefined when there is none. */
  async openDownload(fileId: string, name: string): Promise<Download | undefined> {
    if (!UPLOAD_ID_PATTERN.test(fileId)) return undefined;
    const found = await this.#files.open(asFileId(fileId));
    if (!found || found.record.name !== name) return undefined;
    const { record } = found;
    return {
      name: record.name,
      contentType: record.contentType,
      size: record.size,
      read: () => found.read(),
    };
  }

  #randomId(): string {
    return this.#ids.randomBytes(32).toString('base64url');
  }

  /** Drops the slots whose PUT URL expired without an upload starting. */
  #expire(now: number): void {
    for (const [token, slot] of this.#slots) {
      if (slot.expiresAt > now) break; // oldest first: the rest are younger
      if (!slot.isUploading) this.#slots.delete(token);
    }
  }

  #reserved(userId: UserId): number {
    let bytes = 0;
    for (const slot of this.#slots.values()) if (slot.userId === userId) bytes += slot.size;
    return bytes;
  }

  #recentGrants(userId: UserId, now: number): number[] {
    const recent = (this.#grants.get(userId) ?? []).filter((at) => at > now - RATE_WINDOW_MS);
    if (recent.length === 0) this.#grants.delete(userId);
    else this.#grants.set(userId, recent);
    return recent;
  }
}

const FILENAME_PROBLEMS: Record<FilenameProblem, string> = {
  empty: 'empty',
  'too-long': 'too long',
  malformed: 'not valid text',
  'control-character': 'holding control characters',
  'path-separator': 'holding a slash',
  'dot-name': 'a dot name',
};

function checkRequest(request: SlotRequest): SlotRefusal | null {
  const problem = checkFilename(request.filename);
  if (problem)
    return {
      code: 'invalid-request',
      field: 'filename',
      reason: `the file name is ${FILENAME_PROBLEMS[problem]}`,
    };
  if (!Number.isSafeInteger(request.size) || request.size < 1)
    return { code: 'invalid-request', field: 'size', reason: 'the size must be a positive number of bytes' };
  if (request.contentType !== undefined && mediaTypeEssence(request.contentType) === null)
    return { code: 'invalid-request', field: 'contentType', reason: 'the content type is not a media type' };
  return null;
}
