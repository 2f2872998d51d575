/**
 * ArchiveService: XEP-0059 paging over the memory store (forward, backward, last page, complete,
 * count, unknown ids, the page cap), filters, retention with a FakeClock, and MessageService
 * archiving once per archive with the stanza-id on the delivered and the offline copy.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySessionRegistry } from '../../infra/session/memory-session-registry.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { isHeraldError } from '../../kernel/errors.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import type { ChatMessage } from '../messaging/chat-message.js';
import { addPeople, chat, endpointOf, userIdOf } from '../messaging/fixtures/verona.js';
import { MessageService } from '../messaging/message-service.js';
import type { ArchiveStore, Store } from '../ports.js';
import { ArchiveService } from './archive-service.js';

const DAY = 86_400_000;

async function filled(count: number, clock = new FakeClock()) {
  const store = new MemoryStore();
  await addPeople(store, ['romeo', 'juliet']);
  for (let i = 0; i < count; i++)
    await store.archive.append({
      id: `m${String(i).padStart(3, '0')}`,
      userId: userIdOf('romeo'),
      peer: i % 3 === 0 ? 'nurse@verona.lit' : 'juliet@verona.lit',
      direction: 'in',
      at: clock.now() + i * 1000,
      originId: null,
      body: i % 10 === 0 ? `Moon ${i}` : `line ${i}`,
      payload: { format: 'text', content: '' },
    });
  return { store, clock, archive: new ArchiveService({ store, clock, maxPageSize: 20, retentionDays: 1 }) };
}

describe('ArchiveService paging (XEP-0059)', () => {
  it('pages forward to the end with first/last/count and complete on the last page only', async () => {
    const { archive } = await filled(45);
    const romeo = userIdOf('romeo');
    const p1 = await archive.query(romeo, {}, { max: 20 });
    assert.equal(p1.items.length, 20);
    assert.equal(p1.first, 'm000');
    assert.equal(p1.last, 'm019');
    assert.equal(p1.count, 45);
    assert.equal(p1.complete, false);
    const p3 = await archive.query(romeo, {}, { max: 20, after: 'm039' });
    assert.deepEqual(
      p3.items.map((r) => r.id),
      ['m040', 'm041', 'm042', 'm043', 'm044'],
    );
    assert.equal(p3.complete, true);
  });

  it('pages backward: the last page, then before it, oldest first within a page', async () => {
    const { archive } = await filled(45);
    const romeo = userIdOf('romeo');
    const last = await archive.query(romeo, {}, { max: 2, before: true });
    assert.deepEqual(
      last.items.map((r) => r.id),
      ['m043', 'm044'],
    );
    assert.equal(last.complete, false);
    const first = await archive.query(romeo, {}, { max: 5, before: 'm003' });
    assert.deepEqual(
      first.items.map((r) => r.id),
      ['m000', 'm001', 'm002'],
    );
    assert.equal(first.complete, true);
  });

  it('caps the page size, counts with max 0, refuses unknown ids and bad input', async () => {
    const { archive } = await filled(45);
    const romeo = userIdOf('romeo');
    assert.equal((await archive.query(romeo, {}, { max: 1000 })).items.length, 20);
    const counted = await archive.query(romeo, {}, { max: 0 });
    assert.deepEqual([counted.items.length, counted.count], [0, 45]);
    await assert.rejects(archive.query(romeo, {}, { after: 'nope' }), (e) =>
      isHeraldError(e, 'HERALD_ERR_NOT_FOUND'),
    );
    // Another user's ids are unknown in this archive.
    await assert.rejects(archive.query(userIdOf('juliet'), {}, { after: 'm001' }), (e) =>
      isHeraldError(e, 'HERALD_ERR_NOT_FOUND'),
    );
    await assert.rejects(archive.query(romeo, { text: '' }), (e) =>
      isHeraldError(e, 'HERALD_ERR_VALIDATION'),
    );
    await assert.rejects(archive.query(romeo, {}, { max: -1 }), (e) =>
      isHeraldError(e, 'HERALD_ERR_VALIDATION'),
    );
  });

  it('filters by peer, time and text (case-insensitive), and lists conversations', async () => {
    const { archive, clock } = await filled(45);
    const romeo = userIdOf('romeo');
    assert.equal((await archive.query(romeo, { peer: 'nurse@verona.lit' }, { max: 20 })).count, 15);
    const moon = await archive.query(romeo, { text: 'moon' }, { max: 20 });
    assert.deepEqual(
      moon.items.map((r) => r.body),
      ['Moon 0', 'Moon 10', 'Moon 20', 'Moon 30', 'Moon 40'],
    );
    const window = await archive.query(romeo, { start: clock.now() + 5000, end: clock.now() + 7000 });
    assert.deepEqual(
      window.items.map((r) => r.id),
      ['m005', 'm006', 'm007'],
    );
    const conversations = await archive.conversations(romeo, 10);
    assert.deepEqual(
      conversations.map((r) => [r.peer, r.id]),
      [
        ['juliet@verona.lit', 'm044'],
        ['nurse@verona.lit', 'm042'],
      ],
    );
  });

  it('prunes what is older than the retention on its timer', async () => {
    const clock = new FakeClock();
    const { archive, store } = await filled(10, clock);
    archive.start();
    clock.advance(DAY + 5000); // m000..m005 are now older than one day
    clock.advance(3_600_000); // the hourly timer fires
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(await store.archive.count(userIdOf('romeo'), {}), 0);
    archive.stop();
  });
});

/** A MessageService for verona.lit that archives into `archive`. */
const verona = (store: Store, clock: FakeClock, sessions: MemorySessionRegistry, archive: ArchiveService) =>
  new MessageService({ store, clock, ids: sequentialIdSource('x'), sessions, domain: 'verona.lit', archive });

async function gatedArchive(maxInFlight?: number) {
  const store = new MemoryStore();
  const clock = new FakeClock();
  const sessions = new MemorySessionRegistry();
  // The store holds every append until `release`: a commit waiting for its group.
  let release = (): void => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  const archived = store.archive;
  let held = 0;
  const gated: ArchiveStore = {
    append: async (record) => {
      held++;
      await gate;
      return archived.append(record);
    },
    get: (userId, id) => archived.get(userId, id),
    list: (userId, filter, page) => archived.list(userId, filter, page),
    count: (userId, filter) => archived.count(userId, filter),
    conversations: (userId, limit) => archived.conversations(userId, limit),
    prune: (before) => archived.prune(before),
  };
  const archive = new ArchiveService({
    store: new Proxy(store, {
      get: (target, key) => (key === 'archive' ? gated : Reflect.get(target, key)),
    }),
    clock,
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
  });
  const service = verona(store, clock, sessions, archive);
  service.registerDriver('xmpp', { deliver: () => true });
  await addPeople(store, ['romeo', 'juliet']);
  await sessions.add(endpointOf('juliet', 'balcony'));
  return { store, archive, service, release, held: () => held };
}

describe('MessageService archiving (SPEC M5)', () => {
  it('archives once per archive for two delivered copies; the offline copy keeps the stanza-id', async () => {
    const store = new MemoryStore();
    const clock = new FakeClock();
    const sessions = new MemorySessionRegistry();
    const archive = new ArchiveService({ store, clock });
    const service = verona(store, clock, sessions, archive);
    const seen: ChatMessage[] = [];
    service.registerDriver('xmpp', {
      deliver(_endpoint, message) {
        seen.push(message);
        return true;
      },
    });
    await addPeople(store, ['romeo', 'juliet']);
    await sessions.add(endpointOf('romeo', 'orchard'));
    await sessions.add(endpointOf('juliet', 'balcony'));
    await sessions.add(endpointOf('juliet', 'chamber'));
    await service.send(chat('romeo/orchard', 'juliet', 'two copies'));
    assert.equal(seen.length, 2);
    assert.equal(seen[0]?.stanzaId?.id, seen[1]?.stanzaId?.id);
    assert.equal(seen[0]?.stanzaId?.by, 'juliet@verona.lit');
    const juliet = await archive.query(userIdOf('juliet'), {});
    assert.deepEqual(
      juliet.items.map((r) => [r.id, r.direction, r.peer]),
      [[seen[0]?.stanzaId?.id, 'in', 'romeo@verona.lit']],
    );
    const romeo = await archive.query(userIdOf('romeo'), {});
    assert.deepEqual(
      romeo.items.map((r) => [r.direction, r.peer, r.body]),
      [['out', 'juliet@verona.lit', 'two copies']],
    );
    // A chat state (no body) is not archived.
    await service.send(chat('romeo/orchard', 'juliet', null));
    assert.equal((await archive.query(userIdOf('juliet'), {})).count, 1);

    await sessions.remove('juliet@verona.lit/balcony');
    await sessions.remove('juliet@verona.lit/chamber');
    const stored = await service.send(chat('romeo/orchard', 'juliet', 'for later'));
    assert.equal(stored.kind, 'stored');
    const [offline] = await service.takeOffline(userIdOf('juliet'), 10);
    const archived = await archive.get(userIdOf('juliet'), offline?.id ?? '');
    assert.equal(archived?.body, 'for later', 'the offline id is the archive id');
    service.close();
  });

  it('answers the sender before the copies commit; reads of the archive wait for them (ADR 0012)', async () => {
    const { archive, service, release, held } = await gatedArchive();
    const sent = await service.send(chat('romeo/orchard', 'juliet', 'before the commit'));
    assert.equal(sent.kind, 'delivered', 'send resolved while the archive still held both copies');
    for (let turn = 0; turn < 20 && held() < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(held(), 2, 'both copies are under way');
    let isRead = false;
    const read = archive.query(userIdOf('juliet'), {}).then((page) => {
      isRead = true;
      return page;
    });
    const stopped = archive.stop();
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(isRead, false, 'the read waits for the copies under way');
    release();
    assert.deepEqual(
      (await read).items.map((r) => r.body),
      ['before the commit'],
    );
    assert.equal((await archive.conversations(userIdOf('romeo'), 5)).length, 1);
    await stopped;
    service.close();
  });

  it('makes the sender wait for its copies once more than maxInFlight are under way', async () => {
    const { service, release, held } = await gatedArchive(0);
    let isSent = false;
    const sent = service.send(chat('romeo/orchard', 'juliet', 'the store is behind')).then((result) => {
      isSent = true;
      return result;
    });
    for (let turn = 0; turn < 20 && held() < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(held(), 2);
    assert.equal(isSent, false, 'backpressure: the sender waits for the archive');
    release();
    assert.equal((await sent).kind, 'delivered');
    assert.throws(
      () => new ArchiveService({ store: new MemoryStore(), clock: new FakeClock(), maxInFlight: -1 }),
      (e) => isHeraldError(e, 'HERALD_ERR_VALIDATION'),
    );
    service.close();
  });
});
