/**
 * Uploaded files on local disk (the FileStore port of core/ports.ts), under `<dataDir>/uploads/`:
 * `<id>.bin` holds the bytes and `<id>.json` the record, both named by the core's random id and
 * never by anything a client sent. Writes are atomic: each part goes to a temporary file in
 * `tmp/`, is fsynced and renamed into place, the bytes first and the record last, so a file
 * exists exactly when its record does. The per-user usage is counted once from the records and
 * kept up to date in memory.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, open, readdir, readFile, rename, rm, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { FileId, FileStore, StoredFileRecord, UserId } from '../../core/ports.js';
import { asFileId, asUserId } from '../../core/ports.js';
import { conflict, HeraldError } from '../../kernel/errors.js';

/** Ids are the core's random base64url strings; anything else never becomes a path. */
const SAFE_ID = /^[A-Za-z0-9_-]{16,128}$/;

export class DiskFileStore implements FileStore {
  readonly #root: string;
  readonly #tmp: string;
  #ready: Promise<Map<UserId, number>> | null = null;

  constructor(root: string) {
    this.#root = root;
    this.#tmp = join(root, 'tmp');
  }

  async put(record: StoredFileRecord, content: AsyncIterable<Uint8Array>): Promise<void> {
    const id = checkedId(record.id);
    const usage = await this.#usage();
    if (await this.#readRecord(id)) throw conflict(`file ${id} exists`, 'id');
    const data = this.#dataPath(id);
    const tmpData = this.#tmpPath();
    const tmpRecord = this.#tmpPath();
    let isDataInPlace = false;
    try {
      await writeSynced(tmpData, content);
      await rename(tmpData, data);
      isDataInPlace = true;
      await writeSynced(tmpRecord, [Buffer.from(JSON.stringify(record))]);
      await rename(tmpRecord, this.#recordPath(id));
      await syncDirectory(this.#root);
    } catch (error) {
      await Promise.all([tmpData, tmpRecord].map((path) => rm(path, { force: true })));
      if (isDataInPlace) await rm(data, { force: true });
      throw error;
    }
    usage.set(record.userId, (usage.get(record.userId) ?? 0) + record.size);
  }

  async open(
    id: FileId,
  ): Promise<{ record: StoredFileRecord; read(): AsyncIterable<Uint8Array> } | undefined> {
    if (!SAFE_ID.test(id)) return undefined;
    await this.#usage();
    const record = await this.#readRecord(id);
    if (!record) return undefined;
    const data = this.#dataPath(id);
    // Opened only when iterated, so a caller that never reads holds no file descriptor.
    return {
      record,
      read: () => ({ [Symbol.asyncIterator]: () => createReadStream(data)[Symbol.asyncIterator]() }),
    };
  }

  async remove(id: FileId): Promise<boolean> {
    if (!SAFE_ID.test(id)) return false;
    const usage = await this.#usage();
    const record = await this.#readRecord(id);
    if (!record) return false;
    // The record goes first: from then on the file is gone for readers, even if the bytes linger.
    await unlink(this.#recordPath(id));
    await rm(this.#dataPath(id), { force: true });
    const left = (usage.get(record.userId) ?? 0) - record.size;
    if (left > 0) usage.set(record.userId, left);
    else usage.delete(record.userId);
    return true;
  }

  async usage(userId: UserId): Promise<number> {
    return (await this.#usage()).get(userId) ?? 0;
  }

  #usage(): Promise<Map<UserId, number>> {
    this.#ready ??= this.#scan();
    return this.#ready;
  }

  /** Makes the folders, drops what a crash left half-written, and counts each user's bytes. */
  async #scan(): Promise<Map<UserId, number>> {
    await mkdir(this.#tmp, { recursive: true, mode: 0o700 });
    await Promise.all((await readdir(this.#tmp)).map((name) => rm(join(this.#tmp, name), { force: true })));
    const usage = new Map<UserId, number>();
    const names = new Set(await readdir(this.#root));
    for (const name of names) {
      const [id, extension] = name.split('.');
      if (!id || !SAFE_ID.test(id)) continue;
      if (extension === 'bin' && !names.has(`${id}.json`)) await rm(join(this.#root, name), { force: true });
      if (extension !== 'json') continue;
      // A damaged record is not counted here; opening it fails loudly instead.
      const record = await this.#readRecord(asFileId(id)).catch(() => undefined);
      if (record) usage.set(record.userId, (usage.get(record.userId) ?? 0) + record.size);
    }
    return usage;
  }

  async #readRecord(id: FileId): Promise<StoredFileRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.#recordPath(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    return parseRecord(id, text);
  }

  #dataPath(id: FileId): string {
    return join(this.#root, `${id}.bin`);
  }

  #recordPath(id: FileId): string {
    return join(this.#root, `${id}.json`);
  }

  #tmpPath(): string {
    return join(this.#tmp, `${randomBytes(16).toString('hex')}.part`);
  }
}

function checkedId(id: FileId): FileId {
  if (!SAFE_ID.test(id)) throw new HeraldError('HERALD_ERR_VALIDATION', 'not a file id', 'id');
  return id;
}

/** Writes `content` to a new file (never an existing one), then fsyncs it. */
async function writeSynced(
  path: string,
  content: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
): Promise<void> {
  const handle = await open(path, 'wx', 0o600);
  try {
    for await (const chunk of content) await writeAll(handle, chunk);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function writeAll(handle: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let offset = 0; offset < chunk.byteLength; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.byteLength - offset);
    offset += bytesWritten;
  }
}

/** Makes the renames durable (POSIX); platforms that cannot open a directory skip it. */
async function syncDirectory(path: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    await handle.sync();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EPERM' && code !== 'EINVAL') throw error;
  } finally {
    await handle?.close();
  }
}

/** A record read back from disk, checked field by field (a damaged file is an error, not data). */
function parseRecord(id: FileId, text: string): StoredFileRecord {
  const value: unknown = JSON.parse(text);
  const r = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const isValid =
    r.id === id &&
    typeof r.userId === 'string' &&
    typeof r.name === 'string' &&
    typeof r.contentType === 'string' &&
    Number.isSafeInteger(r.size) &&
    Number.isSafeInteger(r.createdAt);
  if (!isValid) throw new HeraldError('HERALD_ERR_INTERNAL', `the record of file ${id} is damaged`);
  return {
    id,
    userId: asUserId(r.userId as string),
    name: r.name as string,
    contentType: r.contentType as string,
    size: r.size as number,
    createdAt: r.createdAt as number,
  };
}
