import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { MemorySessionRegistry } from '../../infra/session/memory-session-registry.js';
import { MemoryComplianceQueueStore } from '../../infra/store/memory/memory-compliance-queue-store.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { FakeClock } from '../../kernel/fake-clock.js';
import { addPeople, chat, endpointOf, verona } from '../messaging/fixtures/verona.js';
import type { ComplianceRecord, ComplianceSink } from '../ports.js';
import { complianceRecordOf, onSinkFailure, protocolOf, retryDelayMs } from './compliance-policy.js';
import { ComplianceService } from './compliance-service.js';

/** A sink in memory that can be taken down. */
class MemorySink implements ComplianceSink {
  readonly kind = 'memory';
  readonly records = new Map<string, ComplianceRecord>();
  isUp = true;
  calls = 0;
  async record(entry: ComplianceRecord): Promise<void> {
    this.calls += 1;
    if (!this.isUp) throw new Error('sink down');
    this.records.set(entry.id, entry);
  }
  async health() {
    return { ok: this.isUp };
  }
  async close(): Promise<void> {}
}

const record = (id: string): ComplianceRecord => ({
  id,
  at: 1,
  protocol: 'xmpp',
  sender: 'romeo@verona.lit',
  recipients: ['juliet@verona.lit'],
  room: null,
  body: `hello ${id}`,
  original: '<message/>',
});

/** Lets the promise chains a timer started settle. */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

describe('compliance policy', () => {
  it('refuses when required, queues otherwise', () => {
    assert.equal(onSinkFailure(true), 'refuse');
    assert.equal(onSinkFailure(false), 'queue');
  });

  it('backs off exponentially up to the maximum', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 100].map((n) => retryDelayMs(n, 1000, 10_000)),
      [1000, 2000, 4000, 8000, 10_000, 10_000, 10_000],
    );
  });

  it('maps payload formats to protocols and keeps body and original as sent', () => {
    assert.equal(protocolOf('xmpp'), 'xmpp');
    assert.equal(protocolOf('sip'), 'sip');
    assert.equal(protocolOf('web-json'), 'web');
    const message = chat('romeo/orchard', 'juliet', 'wherefore');
    const entry = complianceRecordOf(message, 'c1', ['juliet@verona.lit']);
    assert.deepEqual(entry, {
      id: 'c1',
      at: message.sentAt,
      protocol: 'xmpp',
      sender: message.from.address,
      recipients: ['juliet@verona.lit'],
      room: null,
      body: 'wherefore',
      original: message.payload.content,
    });
  });
});

describe('ComplianceService', () => {
  let clock: FakeClock;
  let sink: MemorySink;
  let queue: MemoryComplianceQueueStore;
  const service = (required: boolean) =>
    new ComplianceService({ sink, queue, clock, required, retryBaseMs: 1000, retryMaxMs: 8000 });

  beforeEach(() => {
    clock = new FakeClock();
    sink = new MemorySink();
    queue = new MemoryComplianceQueueStore();
  });

  it('records straight into a working sink', async () => {
    assert.equal(await service(true).capture(record('a')), 'recorded');
    assert.deepEqual([...sink.records.keys()], ['a']);
    assert.equal(await queue.count(), 0);
  });

  it('required: refuses and queues nothing while the sink is down', async () => {
    sink.isUp = false;
    assert.equal(await service(true).capture(record('a')), 'refused');
    assert.equal(await queue.count(), 0);
  });

  it('not required: queues durably and retries with backoff until drained', async () => {
    const compliance = service(false);
    await compliance.start();
    sink.isUp = false;
    assert.equal(await compliance.capture(record('a')), 'queued');
    assert.equal(await compliance.capture(record('b')), 'queued');
    assert.equal(await compliance.pending(), 2);
    assert.equal(sink.calls, 2);
    // First retry after 1 s: the sink is still down, one attempt, then it waits 2 s.
    clock.advance(1000);
    await settle();
    assert.equal(sink.calls, 3);
    const queued = await queue.due(clock.now() + 10_000, 10);
    assert.deepEqual(
      queued.map((entry) => [entry.id, entry.attempts]).sort(),
      [
        ['a', 2],
        ['b', 1],
      ],
      'one try per round while the sink is down',
    );
    clock.advance(1999);
    await settle();
    assert.equal(sink.calls, 3, 'nothing before the backoff');
    sink.isUp = true;
    clock.advance(1);
    await settle();
    assert.equal(await compliance.pending(), 0);
    assert.deepEqual([...sink.records.keys()].sort(), ['a', 'b']);
    assert.equal(clock.pendingTimers, 0);
    compliance.stop();
  });

  it('picks up what a previous run left in the queue', async () => {
    await queue.enqueue({
      id: 'old',
      queuedAt: 0,
      attempts: 3,
      nextAttemptAt: clock.now(),
      record: record('old'),
    });
    const compliance = service(false);
    await compliance.start();
    clock.advance(0);
    await settle();
    assert.deepEqual([...sink.records.keys()], ['old']);
    assert.equal(await queue.count(), 0);
  });

  it('a failing queue write fails the capture (the message is not accepted silently)', async () => {
    sink.isUp = false;
    queue.enqueue = async () => {
      throw new Error('store down');
    };
    await assert.rejects(service(false).capture(record('a')), /store down/);
  });
});

describe('MessageService with compliance', () => {
  let store: MemoryStore;
  let sessions: MemorySessionRegistry;
  let sink: MemorySink;

  beforeEach(async () => {
    store = new MemoryStore();
    sessions = new MemorySessionRegistry();
    sink = new MemorySink();
    await addPeople(store, ['romeo', 'juliet']);
    await sessions.add(endpointOf('juliet', 'balcony', 1));
  });

  const town = (required: boolean) =>
    verona(store, sessions, {
      compliance: new ComplianceService({
        sink,
        queue: store.complianceQueue,
        clock: new FakeClock(),
        required,
      }),
    });

  it('records each 1:1 message with a body once, before delivery', async () => {
    const { service, xmpp } = town(true);
    const result = await service.send(chat('romeo/orchard', 'juliet', 'hello'));
    assert.equal(result.kind, 'delivered');
    assert.equal(xmpp.take().length, 1);
    const entries = [...sink.records.values()];
    assert.equal(entries.length, 1);
    assert.equal(entries[0]?.body, 'hello');
    assert.deepEqual(entries[0]?.recipients, ['juliet@verona.lit']);
    // A chat state (no body) is not a message for the archive.
    await service.send(chat('romeo/orchard', 'juliet', null));
    assert.equal(sink.records.size, 1);
  });

  it('required and the sink down: refused, nothing delivered or stored', async () => {
    sink.isUp = false;
    const { service, xmpp } = town(true);
    assert.deepEqual(await service.send(chat('romeo/orchard', 'juliet', 'hello')), {
      kind: 'refused',
      reason: 'compliance-unavailable',
    });
    assert.deepEqual(xmpp.take(), []);
    assert.equal(await store.complianceQueue.count(), 0);
  });

  it('not required and the sink down: delivered and queued', async () => {
    sink.isUp = false;
    const { service, xmpp } = town(false);
    assert.equal((await service.send(chat('romeo/orchard', 'juliet', 'hello'))).kind, 'delivered');
    assert.equal(xmpp.take().length, 1);
    assert.equal(await store.complianceQueue.count(), 1);
  });
});
