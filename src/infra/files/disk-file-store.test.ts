import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { asFileId, asUserId, type FileId, type StoredFileRecord } from '../../core/ports.js';
import { isHeraldError } from '../../kernel/errors.js';
import { DiskFileStore } from './disk-file-store.js';

const juliet = asUserId('u-juliet');
const romeo = asUserId('u-romeo');
const idOf = (n: number): FileId => asFileId(`file${String(n).padStart(40, '0')}`);

const recordOf = (n: number, size: number, over: Partial<StoredFileRecord> = {}): StoredFileRecord => ({
  id: idOf(n),
  userId: juliet,
  name: `file-${n}.txt`,
  contentType: 'text/plain',
  size,
  createdAt: 1_700_000_000_000,
  ...over,
});

async function* chunksOf(...parts: string[]): AsyncIterable<Uint8Array> {
  for (const part of parts) yield Buffer.from(part);
}

async function textOf(content: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of content) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString();
}

describe('DiskFileStore (FileStore port)', () => {
  let root: string;
  let store: DiskFileStore;

  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'herald-files-')), 'uploads');
    store = new DiskFileStore(root);
  });
  afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('stores the bytes and the record under the id, never under the client’s name', async () => {
    const record = recordOf(1, 11, { name: '../../../etc/passwd' });
    await store.put(record, chunksOf('hello', ' world'));
    const found = await store.open(record.id);
    assert.ok(found);
    assert.deepEqual(found.record, record);
    assert.equal(await textOf(found.read()), 'hello world');
    assert.equal(await textOf(found.read()), 'hello world', 'each read starts again');
    assert.deepEqual(readdirSync(root).sort(), [`${record.id}.bin`, `${record.id}.json`, 'tmp']);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
    assert.deepEqual(JSON.parse(readFileSync(join(root, `${record.id}.json`), 'utf8')), record);
  });

  it('is atomic: while the bytes are arriving readers see nothing; a failed write leaves nothing', async () => {
    let release = (): void => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    async function* slow(): AsyncIterable<Uint8Array> {
      yield Buffer.from('half');
      await held;
      yield Buffer.from(' and the rest');
    }
    const writing = store.put(recordOf(1, 17), slow());
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(await store.open(idOf(1)), undefined);
    assert.deepEqual(readdirSync(root), ['tmp']);
    release();
    await writing;
    assert.equal(await textOf((await store.open(idOf(1)))!.read()), 'half and the rest');

    async function* broken(): AsyncIterable<Uint8Array> {
      yield Buffer.from('part');
      throw new Error('client went away');
    }
    await assert.rejects(store.put(recordOf(2, 10), broken()), /client went away/);
    assert.equal(await store.open(idOf(2)), undefined);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
    assert.equal(await store.usage(juliet), 17);
  });

  it('a missing file: open gives undefined, remove false; a path-like id is never a path', async () => {
    assert.equal(await store.open(idOf(9)), undefined);
    assert.equal(await store.remove(idOf(9)), false);
    assert.equal(await store.open(asFileId('../../../../etc/passwd')), undefined);
    await assert.rejects(store.put(recordOf(1, 1, { id: asFileId('../x') }), chunksOf('x')), (error) =>
      isHeraldError(error, 'HERALD_ERR_VALIDATION'),
    );
  });

  it('an id is stored once', async () => {
    await store.put(recordOf(1, 1), chunksOf('a'));
    await assert.rejects(store.put(recordOf(1, 1), chunksOf('b')), (error) =>
      isHeraldError(error, 'HERALD_ERR_CONFLICT'),
    );
    assert.equal(await textOf((await store.open(idOf(1)))!.read()), 'a');
  });

  it('counts usage per user, after removals and across a restart', async () => {
    await store.put(recordOf(1, 3), chunksOf('abc'));
    await store.put(recordOf(2, 2), chunksOf('de'));
    await store.put(recordOf(3, 4, { userId: romeo }), chunksOf('wxyz'));
    assert.deepEqual([await store.usage(juliet), await store.usage(romeo)], [5, 4]);
    assert.equal(await store.remove(idOf(1)), true);
    assert.equal(await store.open(idOf(1)), undefined);
    assert.equal(await store.usage(juliet), 2);
    const reopened = new DiskFileStore(root);
    assert.deepEqual([await reopened.usage(juliet), await reopened.usage(romeo)], [2, 4]);
  });

  it('on start, drops what a crash left: temporary files and bytes without a record', async () => {
    await store.put(recordOf(1, 1), chunksOf('a'));
    writeFileSync(join(root, 'tmp', 'deadbeef.part'), 'half');
    writeFileSync(join(root, `${idOf(2)}.bin`), 'orphan');
    const reopened = new DiskFileStore(root);
    assert.equal(await reopened.usage(juliet), 1);
    assert.deepEqual(readdirSync(join(root, 'tmp')), []);
    assert.deepEqual(readdirSync(root).sort(), [`${idOf(1)}.bin`, `${idOf(1)}.json`, 'tmp']);
  });
});
