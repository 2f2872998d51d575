import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { asUserId, type FileId, type FileStore, type StoredFileRecord, type UserId } from '../ports.js';
import { type UploadOutcome, UploadService, type UploadSlot } from './upload-service.js';

const BASE = 'https://chat.example:8443';
const juliet = asUserId('u-juliet');
const romeo = asUserId('u-romeo');

/** Keeps whole files only: a put whose content fails leaves nothing (as the port requires). */
class MemoryFileStore implements FileStore {
  readonly files = new Map<FileId, { record: StoredFileRecord; bytes: Buffer }>();
  failWrites = false;
  /** When set, the next usage() answers what it counted before this gate opened (a slow read). */
  usageGate: Promise<void> | null = null;

  async put(record: StoredFileRecord, content: AsyncIterable<Uint8Array>): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of content) {
      if (this.failWrites) throw new Error('disk full');
      chunks.push(Buffer.from(chunk));
    }
    this.files.set(record.id, { record, bytes: Buffer.concat(chunks) });
  }
  async open(id: FileId) {
    const file = this.files.get(id);
    if (!file) return undefined;
    return {
      record: file.record,
      read: async function* () {
        yield file.bytes;
      },
    };
  }
  async remove(id: FileId): Promise<boolean> {
    return this.files.delete(id);
  }
  async usage(userId: UserId): Promise<number> {
    let bytes = 0;
    for (const { record } of this.files.values()) if (record.userId === userId) bytes += record.size;
    const gate = this.usageGate;
    this.usageGate = null;
    await gate;
    return bytes;
  }
}

async function* chunksOf(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function* brokenAfter(part: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(part);
  throw new Error('client went away');
}

async function bytesOf(content: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

/** The token and name of a slot's PUT URL (what the HTTP adapter reads from the path). */
function putTarget(slot: UploadSlot): { token: string; filename: string } {
  const [, , token = '', name = ''] = new URL(slot.putUrl).pathname.split('/');
  return { token, filename: decodeURIComponent(name) };
}

function fileIdOf(slot: UploadSlot): string {
  return new URL(slot.getUrl).pathname.split('/')[2] ?? '';
}

describe('UploadService (XEP-0363)', () => {
  let clock: FakeClock;
  let files: MemoryFileStore;
  let uploads: UploadService;

  beforeEach(() => {
    clock = new FakeClock();
    files = new MemoryFileStore();
    uploads = new UploadService({
      files,
      clock,
      ids: sequentialIdSource(),
      limits: { maxFileSize: 100, quotaBytes: 250, slotsPerMinute: 5 },
    });
  });

  const slotFor = async (
    userId: UserId,
    filename: string,
    size: number,
    contentType?: string,
  ): Promise<UploadSlot> => {
    const outcome = await uploads.requestSlot(userId, { filename, size, contentType }, BASE);
    assert.ok(outcome.ok, `a slot for ${filename}: ${JSON.stringify(outcome)}`);
    return outcome.slot;
  };
  const upload = (
    slot: UploadSlot,
    content: AsyncIterable<Uint8Array>,
    headers: { size?: number | undefined; type?: string | undefined; name?: string },
  ): Promise<UploadOutcome> => {
    const target = putTarget(slot);
    return uploads.acceptUpload({
      token: target.token,
      filename: headers.name ?? target.filename,
      declaredSize: headers.size,
      contentType: headers.type,
      content,
    });
  };

  it('§4: a slot has a PUT and a GET URL under the public base, with distinct 256-bit ids and the name kept', async () => {
    const slot = await slotFor(juliet, 'my juliet.jpg', 10, 'image/jpeg');
    assert.match(slot.putUrl, /^https:\/\/chat\.example:8443\/upload\/[A-Za-z0-9_-]{43}\/my%20juliet\.jpg$/);
    assert.match(slot.getUrl, /^https:\/\/chat\.example:8443\/upload\/[A-Za-z0-9_-]{43}\/my%20juliet\.jpg$/);
    assert.notEqual(putTarget(slot).token, fileIdOf(slot));
    assert.deepEqual(slot.putHeaders, []);
    assert.equal(slot.expiresAt, clock.now() + 5 * 60_000);
  });

  const invalid: [string, { filename: string; size: number; contentType?: string }, string][] = [
    ['an empty name', { filename: '', size: 1 }, 'filename'],
    ['a slash', { filename: '../etc/passwd', size: 1 }, 'filename'],
    ['a backslash', { filename: '..\\boot.ini', size: 1 }, 'filename'],
    ['a dot name', { filename: '..', size: 1 }, 'filename'],
    ['a control character', { filename: 'a\u0000b', size: 1 }, 'filename'],
    ['a bidi override', { filename: 'photo\u202egpj.exe', size: 1 }, 'filename'],
    ['a lone surrogate', { filename: 'a\ud800b', size: 1 }, 'filename'],
    ['256 bytes of name', { filename: 'a'.repeat(256), size: 1 }, 'filename'],
    ['a name too long for a URL segment', { filename: 'é'.repeat(40), size: 1 }, 'filename'],
    ['size 0', { filename: 'a.txt', size: 0 }, 'size'],
    ['a fractional size', { filename: 'a.txt', size: 1.5 }, 'size'],
    ['a negative size', { filename: 'a.txt', size: -1 }, 'size'],
    ['a content type that is none', { filename: 'a.txt', size: 1, contentType: 'text' }, 'contentType'],
  ];
  for (const [what, request, field] of invalid) {
    it(`refuses ${what}`, async () => {
      const outcome = await uploads.requestSlot(juliet, request, BASE);
      assert.ok(!outcome.ok && outcome.refusal.code === 'invalid-request');
      assert.equal(outcome.refusal.field, field);
    });
  }

  it('§5: a file over the maximum is refused with the maximum; one of exactly the maximum is not', async () => {
    assert.deepEqual(await uploads.requestSlot(juliet, { filename: 'big.bin', size: 101 }, BASE), {
      ok: false,
      refusal: { code: 'file-too-large', maxFileSize: 100 },
    });
    await slotFor(juliet, 'max.bin', 100);
  });

  it('the quota counts stored files and open slots; an expired slot frees its share', async () => {
    const first = await slotFor(juliet, 'a.bin', 100);
    assert.deepEqual(await upload(first, chunksOf('x'.repeat(100)), { size: 100 }), {
      ok: true,
      fileId: fileIdOf(first),
    });
    await slotFor(juliet, 'b.bin', 100); // open, not yet uploaded
    assert.deepEqual(await uploads.requestSlot(juliet, { filename: 'c.bin', size: 51 }, BASE), {
      ok: false,
      refusal: { code: 'quota-exceeded', quotaBytes: 250, usedBytes: 200 },
    });
    await slotFor(romeo, 'c.bin', 100); // romeo has his own quota
    await slotFor(juliet, 'd.bin', 50);
    clock.advance(5 * 60_000);
    await slotFor(juliet, 'e.bin', 100);
  });

  it('a slot asked for while an upload finishes counts that file: no quota race', async () => {
    const first = await slotFor(juliet, 'a.bin', 100);
    await slotFor(juliet, 'b.bin', 100);
    let openGate = (): void => {};
    files.usageGate = new Promise((resolve) => {
      openGate = resolve;
    });
    const asking = uploads.requestSlot(juliet, { filename: 'c.bin', size: 100 }, BASE);
    assert.equal((await upload(first, chunksOf('x'.repeat(100)), { size: 100 })).ok, true);
    openGate();
    assert.deepEqual(await asking, {
      ok: false,
      refusal: { code: 'quota-exceeded', quotaBytes: 250, usedBytes: 200 },
    });
  });

  it('grants at most slotsPerMinute slots a minute, saying when to retry', async () => {
    for (let i = 0; i < 5; i++) {
      await slotFor(juliet, `${i}.txt`, 1);
      clock.advance(1000);
    }
    const start = clock.now() - 5000;
    assert.deepEqual(await uploads.requestSlot(juliet, { filename: 'x.txt', size: 1 }, BASE), {
      ok: false,
      refusal: { code: 'rate-limited', retryAt: start + 60_000, slotsPerMinute: 5 },
    });
    await slotFor(romeo, 'r.txt', 1);
    clock.advance(start + 60_000 - clock.now());
    await slotFor(juliet, 'x.txt', 1);
  });

  it('§6: stores the body and serves it by the GET URL’s id and name, not by the token', async () => {
    const slot = await slotFor(juliet, 'note.txt', 11, 'text/plain');
    const stored = await upload(slot, chunksOf('hello', ' world'), {
      size: 11,
      type: 'text/plain; charset=utf-8',
    });
    assert.deepEqual(stored, { ok: true, fileId: fileIdOf(slot) });
    const download = await uploads.openDownload(fileIdOf(slot), 'note.txt');
    assert.ok(download);
    assert.equal(await bytesOf(download.read()), 'hello world');
    assert.deepEqual([download.name, download.contentType, download.size], ['note.txt', 'text/plain', 11]);
    assert.equal(files.files.get(fileIdOf(slot) as FileId)?.record.userId, juliet);
    assert.equal(await uploads.openDownload(fileIdOf(slot), 'other.txt'), undefined);
    assert.equal(await uploads.openDownload(putTarget(slot).token, 'note.txt'), undefined);
    assert.equal(await uploads.openDownload('../../etc/passwd', 'note.txt'), undefined);
  });

  it('a token is single-use: the second PUT, even while the first is still streaming, finds no slot', async () => {
    const slot = await slotFor(juliet, 'a.txt', 2);
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slowBody(): AsyncIterable<Uint8Array> {
      yield Buffer.from('a');
      await held;
      yield Buffer.from('b');
    }
    const first = upload(slot, slowBody(), { size: 2 });
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(await upload(slot, chunksOf('zz'), { size: 2 }), { ok: false, code: 'unknown-slot' });
    release();
    assert.equal((await first).ok, true);
    assert.deepEqual(await upload(slot, chunksOf('zz'), { size: 2 }), { ok: false, code: 'unknown-slot' });
  });

  it('a slot expires after five minutes unused (FakeClock)', async () => {
    const early = await slotFor(juliet, 'a.txt', 1);
    const late = await slotFor(juliet, 'b.txt', 1);
    clock.advance(5 * 60_000 - 1);
    assert.equal((await upload(early, chunksOf('a'), { size: 1 })).ok, true);
    clock.advance(1);
    assert.deepEqual(await upload(late, chunksOf('b'), { size: 1 }), { ok: false, code: 'unknown-slot' });
  });

  it('a forged token or another name finds no slot, and leaves the real slot usable', async () => {
    const slot = await slotFor(juliet, 'a.txt', 1);
    const forged = await uploads.acceptUpload({
      token: 'A'.repeat(43),
      filename: 'a.txt',
      declaredSize: 1,
      contentType: undefined,
      content: chunksOf('a'),
    });
    assert.deepEqual(forged, { ok: false, code: 'unknown-slot' });
    assert.deepEqual(await upload(slot, chunksOf('a'), { size: 1, name: 'b.txt' }), {
      ok: false,
      code: 'unknown-slot',
    });
    assert.equal((await upload(slot, chunksOf('a'), { size: 1 })).ok, true);
  });

  it('§6: a missing or wrong Content-Length is refused before reading, and the slot stays usable', async () => {
    const slot = await slotFor(juliet, 'a.txt', 3);
    assert.deepEqual(await upload(slot, chunksOf('abc'), { size: undefined }), {
      ok: false,
      code: 'length-required',
    });
    assert.deepEqual(await upload(slot, chunksOf('abcd'), { size: 4 }), {
      ok: false,
      code: 'size-mismatch',
      expected: 3,
    });
    assert.equal((await upload(slot, chunksOf('abc'), { size: 3 })).ok, true);
  });

  it('a body longer or shorter than its slot stores nothing; reading stops at the first byte too many', async () => {
    let pulled = 0;
    async function* endless(): AsyncIterable<Uint8Array> {
      for (;;) {
        pulled++;
        yield Buffer.from('xx');
      }
    }
    const long = await slotFor(juliet, 'long.txt', 3);
    assert.deepEqual(await upload(long, endless(), { size: 3 }), {
      ok: false,
      code: 'size-mismatch',
      expected: 3,
    });
    assert.equal(pulled, 2);
    const short = await slotFor(juliet, 'short.txt', 3);
    assert.deepEqual(await upload(short, chunksOf('ab'), { size: 3 }), {
      ok: false,
      code: 'size-mismatch',
      expected: 3,
    });
    assert.equal(files.files.size, 0);
    assert.deepEqual(await upload(short, chunksOf('abc'), { size: 3 }), { ok: false, code: 'unknown-slot' });
  });

  it('a body that breaks off is incomplete and stores nothing; a failing store is an error', async () => {
    const slot = await slotFor(juliet, 'a.txt', 5);
    assert.deepEqual(await upload(slot, brokenAfter('ab'), { size: 5 }), { ok: false, code: 'incomplete' });
    assert.equal(files.files.size, 0);
    files.failWrites = true;
    const next = await slotFor(juliet, 'b.txt', 1);
    await assert.rejects(upload(next, chunksOf('b'), { size: 1 }), /disk full/);
  });

  it('§6: a Content-Type other than the slot’s is refused; a slot without one stores octet-stream', async () => {
    const typed = await slotFor(juliet, 'a.png', 1, 'image/PNG');
    for (const type of ['text/html', undefined])
      assert.deepEqual(await upload(typed, chunksOf('a'), { size: 1, type }), {
        ok: false,
        code: 'content-type-mismatch',
        expected: 'image/png',
      });
    assert.equal((await upload(typed, chunksOf('a'), { size: 1, type: 'Image/Png' })).ok, true);
    const untyped = await slotFor(juliet, 'b.html', 1);
    assert.equal((await upload(untyped, chunksOf('b'), { size: 1, type: 'text/html' })).ok, true);
    assert.equal(
      (await uploads.openDownload(fileIdOf(untyped), 'b.html'))?.contentType,
      'application/octet-stream',
    );
  });

  it('refuses limits that are not positive integers', () => {
    assert.throws(
      () => new UploadService({ files, clock, ids: sequentialIdSource(), limits: { quotaBytes: 0 } }),
      RangeError,
    );
  });
});
