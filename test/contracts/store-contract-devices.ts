/**
 * Store contract, part 3: devices, user ↔ device associations and canned messages of
 * DirectoryStore (core/ports.ts, SPEC C1, I4, M8).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asDeviceId, asLineId, asUserId, type DeviceRecord } from '../../src/core/ports.js';
import type { HeraldErrorCode } from '../../src/kernel/errors.js';
import {
  assertRejects,
  cannedMessage,
  credentials,
  device,
  type OpenStoreFixture,
  seedDirectory,
  T0,
  user,
  withStore,
} from './store-fixtures.js';

const MAC = '001122334455';

export function describeDeviceContract(open: OpenStoreFixture): void {
  describe('devices', () => {
    it('stores a device with its lines in button order and lists devices by name', () =>
      withStore(open, async (store) => {
        const { l1, l2 } = await seedDirectory(store);
        const desk = device('SEP001122334455', {
          mac: MAC,
          callingSearchSpace: 'css_all',
          lineIds: [l2.id, l1.id],
        });
        const soft = device('csfalice', { kind: 'softphone' });
        const other = device('CSFBOB', { kind: 'softphone', lineIds: [l1.id] });
        for (const d of [soft, desk, other]) await store.directory.insertDevice(d);
        assert.deepEqual(await store.directory.findDeviceById(desk.id), desk);
        assert.deepEqual(await store.directory.findDeviceByName('csfalice'), soft);
        assert.equal(await store.directory.findDeviceByName('csfnobody'), undefined);
        assert.equal(await store.directory.findDeviceById(asDeviceId('d-nobody')), undefined);
        assert.deepEqual(await store.directory.listDevices(), [other, desk, soft]);
      }));

    const refusals: { name: string; device: DeviceRecord; code: HeraldErrorCode; field: string }[] = [
      {
        name: 'a taken id',
        device: device('SEPOTHER', { id: asDeviceId('d-SEP1') }),
        code: 'HERALD_ERR_CONFLICT',
        field: 'id',
      },
      {
        name: 'a taken name',
        device: device('SEP1', { id: asDeviceId('d-x') }),
        code: 'HERALD_ERR_CONFLICT',
        field: 'name',
      },
      {
        name: 'a taken mac',
        device: device('SEP2', { mac: MAC }),
        code: 'HERALD_ERR_CONFLICT',
        field: 'mac',
      },
      {
        name: 'an unknown calling search space',
        device: device('SEP2', { callingSearchSpace: 'css_nope' }),
        code: 'HERALD_ERR_NOT_FOUND',
        field: 'callingSearchSpace',
      },
      {
        name: 'an unknown line',
        device: device('SEP2', { lineIds: [asLineId('l-1000-pt_internal'), asLineId('l-nope')] }),
        code: 'HERALD_ERR_NOT_FOUND',
        field: 'lineIds',
      },
    ];
    for (const refusal of refusals) {
      it(`refuses ${refusal.name} with ${refusal.code} naming ${refusal.field}, writing nothing`, () =>
        withStore(open, async (store) => {
          await seedDirectory(store);
          await store.directory.insertDevice(device('SEP1', { mac: MAC }));
          await assertRejects(store.directory.insertDevice(refusal.device), refusal.code, refusal.field);
          assert.deepEqual(
            (await store.directory.listDevices()).map((d) => d.name),
            ['SEP1'],
          );
        }));
    }

    it('allows many devices without a mac', () =>
      withStore(open, async (store) => {
        await store.directory.insertDevice(device('csfa', { kind: 'softphone' }));
        await store.directory.insertDevice(device('csfb', { kind: 'softphone' }));
        assert.equal((await store.directory.listDevices()).length, 2);
      }));

    it('updates only the patched fields and returns the device', () =>
      withStore(open, async (store) => {
        const { l1 } = await seedDirectory(store);
        const phone = device('SEP1', { mac: MAC, lineIds: [l1.id] });
        await store.directory.insertDevice(phone);
        const steps = [
          { patch: { description: 'lobby' }, expected: { ...phone, description: 'lobby' } },
          {
            patch: { callingSearchSpace: 'css_all' },
            expected: { ...phone, description: 'lobby', callingSearchSpace: 'css_all' },
          },
          {
            patch: { mac: MAC },
            expected: { ...phone, description: 'lobby', callingSearchSpace: 'css_all' },
          },
          {
            patch: { mac: null, callingSearchSpace: null },
            expected: { ...phone, description: 'lobby', mac: null },
          },
          { patch: {}, expected: { ...phone, description: 'lobby', mac: null } },
        ];
        for (const { patch, expected } of steps) {
          assert.deepEqual(
            await store.directory.updateDevice(phone.id, patch),
            expected,
            JSON.stringify(patch),
          );
          assert.deepEqual(await store.directory.findDeviceById(phone.id), expected, JSON.stringify(patch));
        }
      }));

    it('refuses an update to a taken mac, an unknown space or an unknown device, changing nothing', () =>
      withStore(open, async (store) => {
        await seedDirectory(store);
        const phone = device('SEP1');
        await store.directory.insertDevice(phone);
        await store.directory.insertDevice(device('SEP2', { mac: MAC }));
        await assertRejects(
          store.directory.updateDevice(phone.id, { mac: MAC }),
          'HERALD_ERR_CONFLICT',
          'mac',
        );
        await assertRejects(
          store.directory.updateDevice(phone.id, { description: 'x', callingSearchSpace: 'css_nope' }),
          'HERALD_ERR_NOT_FOUND',
          'callingSearchSpace',
        );
        await assertRejects(
          store.directory.updateDevice(asDeviceId('d-nope'), {}),
          'HERALD_ERR_NOT_FOUND',
          'id',
        );
        assert.deepEqual(await store.directory.findDeviceById(phone.id), phone);
      }));

    it('replaces line appearances in the given order; every line must exist', () =>
      withStore(open, async (store) => {
        const { l1, l2 } = await seedDirectory(store);
        const phone = device('SEP1', { lineIds: [l1.id] });
        await store.directory.insertDevice(phone);
        await store.directory.setDeviceLines(phone.id, [l2.id, l1.id]);
        assert.deepEqual((await store.directory.findDeviceById(phone.id))?.lineIds, [l2.id, l1.id]);
        await assertRejects(
          store.directory.setDeviceLines(phone.id, [l1.id, asLineId('l-nope')]),
          'HERALD_ERR_NOT_FOUND',
          'lineIds',
        );
        assert.deepEqual((await store.directory.findDeviceById(phone.id))?.lineIds, [l2.id, l1.id]);
        await assertRejects(
          store.directory.setDeviceLines(asDeviceId('d-nope'), []),
          'HERALD_ERR_NOT_FOUND',
          'id',
        );
        await store.directory.setDeviceLines(phone.id, []);
        assert.deepEqual((await store.directory.findDeviceById(phone.id))?.lineIds, []);
      }));

    it('deleting a device removes its associations and appearances, not its lines', () =>
      withStore(open, async (store) => {
        const { l1 } = await seedDirectory(store);
        const alice = user('alice');
        const phone = device('SEP1', { lineIds: [l1.id], callingSearchSpace: 'css_all' });
        await store.accounts.insertUser(alice, credentials());
        await store.directory.insertDevice(phone);
        await store.directory.associateDevice(alice.id, phone.id);
        assert.equal(await store.directory.deleteDevice(phone.id), true);
        assert.equal(await store.directory.deleteDevice(phone.id), false);
        assert.deepEqual(await store.directory.devicesOfUser(alice.id), []);
        assert.deepEqual(await store.directory.usersOfDevice(phone.id), []);
        assert.deepEqual(await store.directory.findLineById(l1.id), l1);
        // Neither the line nor the space is referenced any more.
        assert.equal(await store.directory.deleteLine(l1.id), true);
        assert.equal(await store.directory.deleteCallingSearchSpace('css_all'), true);
        // A device of the same name can come back, with no associations.
        await store.directory.insertDevice({ ...phone, lineIds: [], callingSearchSpace: null });
        assert.deepEqual(await store.directory.usersOfDevice(phone.id), []);
      }));
  });

  describe('associations', () => {
    it('associates idempotently and lists devices by name and users by username', () =>
      withStore(open, async (store) => {
        const [bob, alice] = [user('bob'), user('alice')];
        const [desk, soft] = [device('SEP1'), device('CSFALICE', { kind: 'softphone' })];
        for (const u of [bob, alice]) await store.accounts.insertUser(u, credentials());
        for (const d of [soft, desk]) await store.directory.insertDevice(d);
        await store.directory.associateDevice(alice.id, desk.id);
        await store.directory.associateDevice(alice.id, soft.id);
        await store.directory.associateDevice(alice.id, desk.id);
        await store.directory.associateDevice(bob.id, desk.id);
        assert.deepEqual(await store.directory.devicesOfUser(alice.id), [soft, desk]);
        assert.deepEqual(await store.directory.usersOfDevice(desk.id), [alice, bob]);
        assert.equal(await store.directory.dissociateDevice(alice.id, desk.id), true);
        assert.equal(await store.directory.dissociateDevice(alice.id, desk.id), false);
        assert.deepEqual(await store.directory.devicesOfUser(alice.id), [soft]);
        assert.deepEqual(await store.directory.usersOfDevice(desk.id), [bob]);
        assert.deepEqual(await store.directory.devicesOfUser(asUserId('u-nobody')), []);
      }));

    it('refuses an unknown user or device with HERALD_ERR_NOT_FOUND', () =>
      withStore(open, async (store) => {
        const alice = user('alice');
        const phone = device('SEP1');
        await store.accounts.insertUser(alice, credentials());
        await store.directory.insertDevice(phone);
        await assertRejects(
          store.directory.associateDevice(asUserId('u-nobody'), phone.id),
          'HERALD_ERR_NOT_FOUND',
          'userId',
        );
        await assertRejects(
          store.directory.associateDevice(alice.id, asDeviceId('d-nothing')),
          'HERALD_ERR_NOT_FOUND',
          'deviceId',
        );
        assert.deepEqual(await store.directory.usersOfDevice(phone.id), []);
      }));
  });

  describe('canned messages', () => {
    it('lists by position, then creation; refuses a taken id; deletes once', () =>
      withStore(open, async (store) => {
        const late = cannedMessage('m-late', 1, T0 + 5);
        const early = cannedMessage('m-early', 1, T0 + 1);
        const first = cannedMessage('m-first', 0, T0 + 9);
        for (const message of [late, early, first]) await store.directory.insertCannedMessage(message);
        await assertRejects(
          store.directory.insertCannedMessage(cannedMessage('m-late', 7, T0)),
          'HERALD_ERR_CONFLICT',
          'id',
        );
        assert.deepEqual(await store.directory.listCannedMessages(), [first, early, late]);
        assert.equal(await store.directory.deleteCannedMessage(early.id), true);
        assert.equal(await store.directory.deleteCannedMessage(early.id), false);
        assert.deepEqual(await store.directory.listCannedMessages(), [first, late]);
      }));
  });
}
