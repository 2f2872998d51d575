/**
 * SPEC M2 (forking, resource locking) and M3 (offline messages) as one conversation between
 * romeo and juliet, through MessageService with the memory store and session registry.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemorySessionRegistry } from '../../infra/session/memory-session-registry.js';
import { MemoryStore } from '../../infra/store/memory/memory-store.js';
import { addPeople, addressOf, chat, endpointOf, userIdOf, verona } from './fixtures/verona.js';

describe('MessageService: romeo and juliet (M2, M3)', () => {
  it('forks, locks on reply, unlocks on presence, stores while she is away, delivers at login', async () => {
    const store = new MemoryStore();
    const sessions = new MemorySessionRegistry();
    const { service, xmpp } = verona(store, sessions);
    await addPeople(store, ['romeo', 'juliet']);
    await sessions.add(endpointOf('romeo', 'orchard'));

    // Juliet has two resources; romeo writes to her bare JID; both get it (RFC 6121 §8.5.2.1.1).
    await sessions.add(endpointOf('juliet', 'balcony', 1));
    await sessions.add(endpointOf('juliet', 'chamber', 0));
    assert.deepEqual(await service.send(chat('romeo/orchard', 'juliet', 'Lady, by yonder blessed moon')), {
      kind: 'delivered',
      endpointIds: ['juliet@verona.lit/balcony', 'juliet@verona.lit/chamber'],
      isLocked: false,
    });
    assert.deepEqual(xmpp.take(), [
      'balcony: Lady, by yonder blessed moon',
      'chamber: Lady, by yonder blessed moon',
    ]);

    // Juliet answers from 'balcony' (to romeo's bare JID: it reaches his only resource).
    await service.send(chat('juliet/balcony', 'romeo', 'O, swear not by the moon'));
    assert.deepEqual(xmpp.take(), ['orchard: O, swear not by the moon']);

    // Romeo's next message reaches only 'balcony' (XEP-0296 §2.2).
    const locked = await service.send(chat('romeo/orchard', 'juliet', 'What shall I swear by?'));
    assert.deepEqual(locked, {
      kind: 'delivered',
      endpointIds: ['juliet@verona.lit/balcony'],
      isLocked: true,
    });
    assert.deepEqual(xmpp.take(), ['balcony: What shall I swear by?']);

    // 'balcony' changes presence; the next reaches both again.
    await sessions.update(endpointOf('juliet', 'balcony', 2));
    await service.send(chat('romeo/orchard', 'juliet', 'If my heart’s dear love'));
    assert.deepEqual(xmpp.take(), ['balcony: If my heart’s dear love', 'chamber: If my heart’s dear love']);

    // Juliet goes offline; romeo's message is stored before send() resolves (M3)…
    await sessions.remove(endpointOf('juliet', 'balcony').id);
    await sessions.remove(endpointOf('juliet', 'chamber').id);
    const stored = await service.send(chat('romeo/orchard', 'juliet', 'Good night, good night!'));
    assert.deepEqual(stored, { kind: 'stored', offlineId: 'offline-1' });
    assert.deepEqual(xmpp.take(), []);
    assert.equal(await store.offline.count(userIdOf('juliet')), 1);

    // …and taken at her next login, removed only once the adapter confirms delivery.
    await sessions.add(endpointOf('juliet', 'balcony', 1));
    const waiting = await service.takeOffline(userIdOf('juliet'), 50);
    assert.deepEqual(
      waiting.map(({ id, from, payload }) => ({ id, from, body: payload.body, format: payload.format })),
      [{ id: 'offline-1', from: addressOf('romeo'), body: 'Good night, good night!', format: 'xmpp' }],
    );
    assert.match(waiting[0]?.payload.content ?? '', /<body>Good night, good night!<\/body>/);
    assert.equal(await service.acknowledgeOffline(userIdOf('juliet'), ['offline-1']), 1);
    assert.deepEqual(await service.takeOffline(userIdOf('juliet'), 50), []);
    service.close();
  });

  it('a crash between taking and acknowledging loses nothing', async () => {
    const store = new MemoryStore();
    const sessions = new MemorySessionRegistry();
    const { service } = verona(store, sessions);
    await addPeople(store, ['romeo', 'juliet']);
    await service.send(chat('romeo', 'juliet', 'one'));
    await service.send(chat('romeo', 'juliet', 'two'));

    const first = await service.takeOffline(userIdOf('juliet'), 1);
    assert.deepEqual(
      first.map((m) => m.payload.body),
      ['one'],
      'oldest first, `limit` at a time',
    );
    // The adapter dies before it confirms: a new session gets the same messages again.
    const again = await service.takeOffline(userIdOf('juliet'), 10);
    assert.deepEqual(
      again.map((m) => m.payload.body),
      ['one', 'two'],
    );
    assert.equal(
      await service.acknowledgeOffline(
        userIdOf('juliet'),
        again.map((m) => m.id),
      ),
      2,
    );
    assert.equal(await service.acknowledgeOffline(userIdOf('juliet'), []), 0);
  });
});
