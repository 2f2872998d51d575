/**
 * The SessionRegistry contract suite (STYLE "Store and bus contract suites"): one suite for every
 * adapter of `SessionRegistry` (core/ports.ts), so the memory registry and a cluster one (Redis)
 * keep the same rules.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asUserId, type Endpoint, type SessionChange, type SessionRegistry } from '../../src/core/ports.js';
import { isHeraldError } from '../../src/kernel/errors.js';

export interface SessionRegistryFixture {
  readonly registry: SessionRegistry;
  cleanup(): Promise<void>;
}

/** Gives a fresh, empty registry for each test. */
export type OpenSessionRegistry = () => Promise<SessionRegistryFixture>;

const juliet = asUserId('u-juliet');
const romeo = asUserId('u-romeo');

function endpoint(user: 'juliet' | 'romeo', resource: string, overrides: Partial<Endpoint> = {}): Endpoint {
  const address = user === 'juliet' ? 'juliet@capulet.lit' : 'romeo@montague.lit';
  return {
    id: `${address}/${resource}`,
    userId: user === 'juliet' ? juliet : romeo,
    address,
    protocol: 'xmpp',
    resource,
    priority: 0,
    isAvailable: true,
    isInterested: true,
    ...overrides,
  };
}

async function rejectsWith(code: string, work: () => Promise<unknown>, field?: string): Promise<void> {
  await assert.rejects(work, (error) => {
    assert.ok(isHeraldError(error), String(error));
    assert.equal(error.code, code);
    if (field) assert.equal(error.field, field);
    return true;
  });
}

export function describeSessionRegistryContract(name: string, open: OpenSessionRegistry): void {
  const withRegistry = (test: (registry: SessionRegistry) => Promise<void>) => async () => {
    const fixture = await open();
    try {
      await test(fixture.registry);
    } finally {
      await fixture.cleanup();
    }
  };

  describe(name, () => {
    it(
      'adds, finds and lists a user’s endpoints by id',
      withRegistry(async (registry) => {
        await registry.add(endpoint('juliet', 'chamber'));
        await registry.add(endpoint('romeo', 'orchard'));
        await registry.add(
          endpoint('juliet', 'balcony', { protocol: 'sip', priority: -1, isInterested: false }),
        );
        assert.deepEqual(
          (await registry.endpointsOf(juliet)).map((e) => e.id),
          ['juliet@capulet.lit/balcony', 'juliet@capulet.lit/chamber'],
        );
        assert.deepEqual(
          await registry.get('juliet@capulet.lit/balcony'),
          endpoint('juliet', 'balcony', {
            protocol: 'sip',
            priority: -1,
            isInterested: false,
          }),
        );
        assert.equal(await registry.get('juliet@capulet.lit/orchard'), undefined);
        assert.deepEqual(await registry.endpointsOf(asUserId('u-nurse')), []);
      }),
    );

    it(
      'refuses a taken id, or a resource the user already has',
      withRegistry(async (registry) => {
        await registry.add(endpoint('juliet', 'balcony'));
        await rejectsWith('HERALD_ERR_CONFLICT', () => registry.add(endpoint('juliet', 'balcony')), 'id');
        await rejectsWith(
          'HERALD_ERR_CONFLICT',
          () => registry.add(endpoint('juliet', 'balcony', { id: 'web-session-1', protocol: 'web' })),
          'resource',
        );
        await registry.add(endpoint('romeo', 'balcony'));
      }),
    );

    it(
      'refuses malformed endpoints',
      withRegistry(async (registry) => {
        for (const [field, bad] of [
          ['id', { id: '' }],
          ['resource', { resource: '' }],
          ['priority', { priority: 128 }],
          ['priority', { priority: -129 }],
          ['priority', { priority: 0.5 }],
          ['protocol', { protocol: 'smtp' }],
        ] as const) {
          await rejectsWith(
            'HERALD_ERR_VALIDATION',
            () => registry.add(endpoint('juliet', 'x', bad as Partial<Endpoint>)),
            field,
          );
        }
        assert.deepEqual(await registry.endpointsOf(juliet), []);
      }),
    );

    it(
      'updates priority and flags, never who or where',
      withRegistry(async (registry) => {
        await registry.add(endpoint('juliet', 'balcony'));
        await registry.update(endpoint('juliet', 'balcony', { priority: 5, isAvailable: false }));
        assert.deepEqual(
          await registry.get('juliet@capulet.lit/balcony'),
          endpoint('juliet', 'balcony', {
            priority: 5,
            isAvailable: false,
          }),
        );
        await rejectsWith('HERALD_ERR_NOT_FOUND', () => registry.update(endpoint('juliet', 'chamber')), 'id');
        await rejectsWith(
          'HERALD_ERR_VALIDATION',
          () => registry.update(endpoint('juliet', 'balcony', { resource: 'chamber' })),
          'resource',
        );
        await rejectsWith(
          'HERALD_ERR_VALIDATION',
          () => registry.update(endpoint('juliet', 'balcony', { userId: romeo })),
          'userId',
        );
      }),
    );

    it(
      'removes, and frees the resource',
      withRegistry(async (registry) => {
        await registry.add(endpoint('juliet', 'balcony'));
        assert.equal(await registry.remove('juliet@capulet.lit/balcony'), true);
        assert.equal(await registry.remove('juliet@capulet.lit/balcony'), false);
        assert.equal(await registry.get('juliet@capulet.lit/balcony'), undefined);
        assert.deepEqual(await registry.endpointsOf(juliet), []);
        await registry.add(endpoint('juliet', 'balcony', { id: 'sip-contact-7', protocol: 'sip' }));
      }),
    );

    it(
      'keeps its own copy: a caller changing its object changes nothing',
      withRegistry(async (registry) => {
        const mine = { ...endpoint('juliet', 'balcony') };
        await registry.add(mine);
        mine.priority = 99;
        assert.equal((await registry.get(mine.id))?.priority, 0);
      }),
    );

    it(
      'tells listeners of every change, until they stop',
      withRegistry(async (registry) => {
        const seen: string[] = [];
        const stop = registry.onChange((change: SessionChange) => {
          const previous = change.kind === 'updated' ? ` from ${change.previous.priority}` : '';
          seen.push(`${change.kind} ${change.endpoint.resource} ${change.endpoint.priority}${previous}`);
        });
        await registry.add(endpoint('juliet', 'balcony'));
        await registry.update(endpoint('juliet', 'balcony', { priority: 3 }));
        await registry.remove('juliet@capulet.lit/balcony');
        await registry.remove('juliet@capulet.lit/balcony');
        stop();
        await registry.add(endpoint('juliet', 'chamber'));
        assert.deepEqual(seen, ['added balcony 0', 'updated balcony 3 from 0', 'removed balcony 3']);
      }),
    );

    it(
      'a failing listener neither undoes the change nor silences the others',
      withRegistry(async (registry) => {
        let heard = 0;
        registry.onChange(() => {
          throw new Error('listener bug');
        });
        registry.onChange(() => {
          heard++;
        });
        await registry.add(endpoint('juliet', 'balcony'));
        assert.equal(heard, 1);
        assert.ok(await registry.get('juliet@capulet.lit/balcony'));
      }),
    );
  });
}
