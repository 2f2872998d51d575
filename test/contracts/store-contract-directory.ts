/**
 * Store contract, part 2: partitions, calling search spaces and lines of DirectoryStore
 * (core/ports.ts, SPEC C1): unique keys, references, refused deletes and order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asLineId, type LineRecord } from '../../src/core/ports.js';
import type { HeraldErrorCode } from '../../src/kernel/errors.js';
import {
  assertRejects,
  callingSearchSpace,
  device,
  line,
  type OpenStoreFixture,
  partition,
  seedDirectory,
  withStore,
} from './store-fixtures.js';

export function describeDirectoryContract(open: OpenStoreFixture): void {
  describe('partitions', () => {
    it('lists partitions by name in code-point order and refuses a taken name', () =>
      withStore(open, async (store) => {
        for (const name of ['pt_b', 'PT_Z', 'pt_a', 'Été'])
          await store.directory.insertPartition(partition(name));
        await assertRejects(
          store.directory.insertPartition(partition('pt_a')),
          'HERALD_ERR_CONFLICT',
          'name',
        );
        assert.deepEqual(
          await store.directory.listPartitions(),
          ['PT_Z', 'pt_a', 'pt_b', 'Été'].map(partition),
        );
      }));

    it('deletes an unused partition once; refuses while a line or a calling search space uses it', () =>
      withStore(open, async (store) => {
        const { l1 } = await seedDirectory(store);
        await store.directory.insertPartition(partition('pt_spare'));
        assert.equal(await store.directory.deletePartition('pt_spare'), true);
        assert.equal(await store.directory.deletePartition('pt_spare'), false);
        await assertRejects(store.directory.deletePartition('pt_internal'), 'HERALD_ERR_CONFLICT', 'name');
        await store.directory.deleteLine(l1.id);
        // Still listed by css_all.
        await assertRejects(store.directory.deletePartition('pt_internal'), 'HERALD_ERR_CONFLICT', 'name');
        await store.directory.setCallingSearchSpacePartitions('css_all', ['pt_external']);
        assert.equal(await store.directory.deletePartition('pt_internal'), true);
        assert.deepEqual(await store.directory.listPartitions(), [partition('pt_external')]);
      }));
  });

  describe('calling search spaces', () => {
    it('keeps the partitions in the given order and lists spaces by name', () =>
      withStore(open, async (store) => {
        await seedDirectory(store);
        const local = callingSearchSpace('css_local', ['pt_external', 'pt_internal']);
        const none = callingSearchSpace('CSS_NONE', []);
        await store.directory.insertCallingSearchSpace(local);
        await store.directory.insertCallingSearchSpace(none);
        assert.deepEqual(await store.directory.findCallingSearchSpace('css_local'), local);
        assert.equal(await store.directory.findCallingSearchSpace('css_missing'), undefined);
        assert.deepEqual(await store.directory.listCallingSearchSpaces(), [
          none,
          callingSearchSpace('css_all', ['pt_internal', 'pt_external']),
          local,
        ]);
      }));

    it('refuses a taken name (CONFLICT) and an unknown partition (NOT_FOUND), writing nothing', () =>
      withStore(open, async (store) => {
        await seedDirectory(store);
        await assertRejects(
          store.directory.insertCallingSearchSpace(callingSearchSpace('css_all', [])),
          'HERALD_ERR_CONFLICT',
          'name',
        );
        await assertRejects(
          store.directory.insertCallingSearchSpace(callingSearchSpace('css_new', ['pt_internal', 'pt_nope'])),
          'HERALD_ERR_NOT_FOUND',
          'partitions',
        );
        assert.equal(await store.directory.findCallingSearchSpace('css_new'), undefined);
        assert.deepEqual((await store.directory.findCallingSearchSpace('css_all'))?.partitions, [
          'pt_internal',
          'pt_external',
        ]);
      }));

    it('replaces the ordered partitions, refusing an unknown space or partition', () =>
      withStore(open, async (store) => {
        await seedDirectory(store);
        await store.directory.setCallingSearchSpacePartitions('css_all', ['pt_external', 'pt_internal']);
        assert.deepEqual((await store.directory.findCallingSearchSpace('css_all'))?.partitions, [
          'pt_external',
          'pt_internal',
        ]);
        await assertRejects(
          store.directory.setCallingSearchSpacePartitions('css_all', ['pt_internal', 'pt_nope']),
          'HERALD_ERR_NOT_FOUND',
          'partitions',
        );
        assert.deepEqual((await store.directory.findCallingSearchSpace('css_all'))?.partitions, [
          'pt_external',
          'pt_internal',
        ]);
        await assertRejects(
          store.directory.setCallingSearchSpacePartitions('css_nope', []),
          'HERALD_ERR_NOT_FOUND',
          'name',
        );
        await store.directory.setCallingSearchSpacePartitions('css_all', []);
        assert.deepEqual((await store.directory.findCallingSearchSpace('css_all'))?.partitions, []);
      }));

    it('deletes an unused space once; refuses while a device uses it', () =>
      withStore(open, async (store) => {
        const { l2 } = await seedDirectory(store);
        const phone = device('SEP001122334455', { callingSearchSpace: 'css_all' });
        await store.directory.insertDevice(phone);
        await assertRejects(
          store.directory.deleteCallingSearchSpace('css_all'),
          'HERALD_ERR_CONFLICT',
          'name',
        );
        await store.directory.updateDevice(phone.id, { callingSearchSpace: null });
        assert.equal(await store.directory.deleteCallingSearchSpace('css_all'), true);
        assert.equal(await store.directory.deleteCallingSearchSpace('css_all'), false);
        assert.deepEqual(await store.directory.listCallingSearchSpaces(), []);
        // Its partition list went with it.
        await store.directory.deleteLine(l2.id);
        assert.equal(await store.directory.deletePartition('pt_external'), true);
      }));
  });

  describe('lines', () => {
    it('finds a line by id and by (number, partition); the same number in two partitions is two lines', () =>
      withStore(open, async (store) => {
        await seedDirectory(store);
        const inside = line('3000', 'pt_internal');
        const outside = line('3000', 'pt_external');
        await store.directory.insertLine(inside);
        await store.directory.insertLine(outside);
        assert.deepEqual(await store.directory.findLineById(inside.id), inside);
        assert.deepEqual(await store.directory.findLine('3000', 'pt_external'), outside);
        assert.equal(await store.directory.findLine('3000', 'pt_nope'), undefined);
        assert.equal(await store.directory.findLineById(asLineId('l-nope')), undefined);
      }));

    const refusals: { name: string; line: LineRecord; code: HeraldErrorCode; field: string }[] = [
      {
        name: 'a taken (number, partition)',
        line: line('1000', 'pt_internal', { id: asLineId('l-x') }),
        code: 'HERALD_ERR_CONFLICT',
        field: 'number',
      },
      {
        name: 'a taken id',
        line: line('9999', 'pt_internal', { id: asLineId('l-1000-pt_internal') }),
        code: 'HERALD_ERR_CONFLICT',
        field: 'id',
      },
      {
        name: 'an unknown partition',
        line: line('1000', 'pt_nope'),
        code: 'HERALD_ERR_NOT_FOUND',
        field: 'partition',
      },
    ];
    for (const refusal of refusals) {
      it(`refuses ${refusal.name} with ${refusal.code} naming ${refusal.field}, writing nothing`, () =>
        withStore(open, async (store) => {
          await seedDirectory(store);
          await assertRejects(store.directory.insertLine(refusal.line), refusal.code, refusal.field);
          assert.equal((await store.directory.listLines({})).length, 2);
        }));
    }

    it('lists lines by number, then partition, filtered by either', () =>
      withStore(open, async (store) => {
        await seedDirectory(store);
        for (const [number, pt] of [
          ['200', 'pt_internal'],
          ['1000', 'pt_external'],
          ['+4420', 'pt_external'],
        ] as const) {
          await store.directory.insertLine(line(number, pt));
        }
        const key = (l: { number: string; partition: string }) => `${l.number}@${l.partition}`;
        const cases = [
          {
            query: {},
            expected: [
              '+4420@pt_external',
              '1000@pt_external',
              '1000@pt_internal',
              '200@pt_internal',
              '2000@pt_external',
            ],
          },
          { query: { number: '1000' }, expected: ['1000@pt_external', '1000@pt_internal'] },
          { query: { partition: 'pt_internal' }, expected: ['1000@pt_internal', '200@pt_internal'] },
          { query: { number: '1000', partition: 'pt_internal' }, expected: ['1000@pt_internal'] },
          { query: { number: '5' }, expected: [] },
        ];
        for (const { query, expected: lines } of cases) {
          assert.deepEqual((await store.directory.listLines(query)).map(key), lines, JSON.stringify(query));
        }
      }));

    it('deleting a line removes its appearances and keeps the others in order', () =>
      withStore(open, async (store) => {
        const { l1, l2 } = await seedDirectory(store);
        const l3 = line('3000', 'pt_internal');
        await store.directory.insertLine(l3);
        const phone = device('SEP001122334455', { lineIds: [l2.id, l1.id, l3.id] });
        await store.directory.insertDevice(phone);
        assert.equal(await store.directory.deleteLine(l1.id), true);
        assert.equal(await store.directory.deleteLine(l1.id), false);
        assert.deepEqual((await store.directory.findDeviceById(phone.id))?.lineIds, [l2.id, l3.id]);
        assert.equal(await store.directory.findLineById(l1.id), undefined);
      }));
  });
}
