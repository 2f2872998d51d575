/**
 * DirectoryStore (core/ports.ts, SPEC C1, I4, M8) on SQL. References are checked before writing
 * (sql-references.ts), unique keys by the database (sql-errors.ts); deleting a row still
 * referenced (ON DELETE RESTRICT) is HERALD_ERR_CONFLICT; appearances and associations cascade.
 */
import type { Kysely } from 'kysely';
import {
  asCannedMessageId,
  type CallingSearchSpaceRecord,
  type CannedMessageId,
  type CannedMessageRecord,
  type DeviceId,
  type DevicePatch,
  type DeviceRecord,
  type DirectoryStore,
  type LineId,
  type LineQuery,
  type LineRecord,
  type PartitionRecord,
  type UserId,
  type UserRecord,
} from '../../../core/ports.js';
import { conflict, notFound } from '../../../kernel/errors.js';
import { userFromRow } from './sql-account-store.js';
import { callingSearchSpaces, findDevice, lineFromRow, withLines } from './sql-directory-rows.js';
import { requireRows } from './sql-references.js';
import type { SqlRunner } from './sql-runner.js';
import type { Database } from './sql-schema.js';

type Db = Kysely<Database>;

async function insertRows<T>(rows: readonly T[], insert: (rows: T[]) => Promise<unknown>): Promise<void> {
  if (rows.length > 0) await insert([...rows]);
}

export class SqlDirectoryStore implements DirectoryStore {
  constructor(private readonly runner: SqlRunner) {}

  async insertPartition(partition: PartitionRecord): Promise<void> {
    await this.runner.write((db) =>
      db
        .insertInto('partitions')
        .values({ name: partition.name, description: partition.description })
        .execute(),
    );
  }

  async listPartitions(): Promise<PartitionRecord[]> {
    return this.runner.read((db) => db.selectFrom('partitions').selectAll().orderBy('name').execute());
  }

  async deletePartition(name: string): Promise<boolean> {
    return this.runner.remove(
      (db) => db.deleteFrom('partitions').where('name', '=', name).executeTakeFirst(),
      {
        onForeignKey: () =>
          conflict(`partition ${name} is still used by lines or calling search spaces`, 'name'),
      },
    );
  }

  async insertCallingSearchSpace(css: CallingSearchSpaceRecord): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'partitions', css.partitions, 'partitions');
      await db
        .insertInto('calling_search_spaces')
        .values({ name: css.name, description: css.description })
        .execute();
      await this.#insertCssPartitions(db, css.name, css.partitions);
    });
  }

  async setCallingSearchSpacePartitions(name: string, partitions: readonly string[]): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'calling_search_spaces', [name], 'name');
      await requireRows(db, 'partitions', partitions, 'partitions');
      await db.deleteFrom('css_partitions').where('css_name', '=', name).execute();
      await this.#insertCssPartitions(db, name, partitions);
    });
  }

  async findCallingSearchSpace(name: string): Promise<CallingSearchSpaceRecord | undefined> {
    const [css] = await this.runner.read((db) => callingSearchSpaces(db, name));
    return css;
  }

  async listCallingSearchSpaces(): Promise<CallingSearchSpaceRecord[]> {
    return this.runner.read((db) => callingSearchSpaces(db));
  }

  async deleteCallingSearchSpace(name: string): Promise<boolean> {
    return this.runner.remove(
      (db) => db.deleteFrom('calling_search_spaces').where('name', '=', name).executeTakeFirst(),
      { onForeignKey: () => conflict(`calling search space ${name} is still used by devices`, 'name') },
    );
  }

  async insertLine(line: LineRecord): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'partitions', [line.partition], 'partition');
      await db
        .insertInto('lines')
        .values({
          id: line.id,
          number: line.number,
          partition_name: line.partition,
          description: line.description,
          created_at: line.createdAt,
        })
        .execute();
    });
  }

  async findLineById(id: LineId): Promise<LineRecord | undefined> {
    const row = await this.runner.read((db) =>
      db.selectFrom('lines').selectAll().where('id', '=', id).executeTakeFirst(),
    );
    return row && lineFromRow(row);
  }

  async findLine(number: string, partition: string): Promise<LineRecord | undefined> {
    const [line] = await this.listLines({ number, partition });
    return line;
  }

  async listLines(query: LineQuery): Promise<LineRecord[]> {
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('lines')
        .selectAll()
        .$if(query.number !== undefined, (q) => q.where('number', '=', query.number ?? ''))
        .$if(query.partition !== undefined, (q) => q.where('partition_name', '=', query.partition ?? ''))
        .orderBy('number')
        .orderBy('partition_name')
        .execute(),
    );
    return rows.map(lineFromRow);
  }

  async deleteLine(id: LineId): Promise<boolean> {
    return this.runner.remove((db) => db.deleteFrom('lines').where('id', '=', id).executeTakeFirst());
  }

  async insertDevice(device: DeviceRecord): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'calling_search_spaces', [device.callingSearchSpace], 'callingSearchSpace');
      await requireRows(db, 'lines', device.lineIds, 'lineIds');
      await db
        .insertInto('devices')
        .values({
          id: device.id,
          name: device.name,
          kind: device.kind,
          mac: device.mac,
          description: device.description,
          css_name: device.callingSearchSpace,
          created_at: device.createdAt,
        })
        .execute();
      await this.#insertDeviceLines(db, device.id, device.lineIds);
    });
  }

  async updateDevice(id: DeviceId, patch: DevicePatch): Promise<DeviceRecord> {
    return this.runner.write(async (db) => {
      await requireRows(db, 'devices', [id], 'id');
      await requireRows(db, 'calling_search_spaces', [patch.callingSearchSpace], 'callingSearchSpace');
      const changes = {
        ...(patch.description !== undefined && { description: patch.description }),
        ...(patch.mac !== undefined && { mac: patch.mac }),
        ...(patch.callingSearchSpace !== undefined && { css_name: patch.callingSearchSpace }),
      };
      if (Object.keys(changes).length > 0) {
        await db.updateTable('devices').set(changes).where('id', '=', id).execute();
      }
      const device = await findDevice(db, 'id', id);
      if (!device) throw notFound(`no device ${id}`, 'id');
      return device;
    });
  }

  async setDeviceLines(id: DeviceId, lineIds: readonly LineId[]): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'devices', [id], 'id');
      await requireRows(db, 'lines', lineIds, 'lineIds');
      await db.deleteFrom('device_lines').where('device_id', '=', id).execute();
      await this.#insertDeviceLines(db, id, lineIds);
    });
  }

  async findDeviceById(id: DeviceId): Promise<DeviceRecord | undefined> {
    return this.runner.read((db) => findDevice(db, 'id', id));
  }

  async findDeviceByName(name: string): Promise<DeviceRecord | undefined> {
    return this.runner.read((db) => findDevice(db, 'name', name));
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return this.runner.read(async (db) =>
      withLines(db, await db.selectFrom('devices').selectAll().orderBy('name').execute()),
    );
  }

  async deleteDevice(id: DeviceId): Promise<boolean> {
    return this.runner.remove((db) => db.deleteFrom('devices').where('id', '=', id).executeTakeFirst());
  }

  async associateDevice(userId: UserId, deviceId: DeviceId): Promise<void> {
    await this.runner.write(async (db) => {
      await requireRows(db, 'users', [userId], 'userId');
      await requireRows(db, 'devices', [deviceId], 'deviceId');
      await db
        .insertInto('user_devices')
        .values({ user_id: userId, device_id: deviceId })
        .onConflict((oc) => oc.columns(['user_id', 'device_id']).doNothing())
        .execute();
    });
  }

  async dissociateDevice(userId: UserId, deviceId: DeviceId): Promise<boolean> {
    return this.runner.remove((db) =>
      db
        .deleteFrom('user_devices')
        .where('user_id', '=', userId)
        .where('device_id', '=', deviceId)
        .executeTakeFirst(),
    );
  }

  async devicesOfUser(userId: UserId): Promise<DeviceRecord[]> {
    return this.runner.read(async (db) => {
      const rows = await db
        .selectFrom('devices')
        .innerJoin('user_devices', 'user_devices.device_id', 'devices.id')
        .selectAll('devices')
        .where('user_devices.user_id', '=', userId)
        .orderBy('devices.name')
        .execute();
      return withLines(db, rows);
    });
  }

  async usersOfDevice(deviceId: DeviceId): Promise<UserRecord[]> {
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('users')
        .innerJoin('user_devices', 'user_devices.user_id', 'users.id')
        .selectAll('users')
        .where('user_devices.device_id', '=', deviceId)
        .orderBy('users.username')
        .execute(),
    );
    return rows.map(userFromRow);
  }

  async insertCannedMessage(message: CannedMessageRecord): Promise<void> {
    await this.runner.write((db) =>
      db
        .insertInto('canned_messages')
        .values({
          id: message.id,
          text: message.text,
          position: message.position,
          created_at: message.createdAt,
        })
        .execute(),
    );
  }

  async listCannedMessages(): Promise<CannedMessageRecord[]> {
    const rows = await this.runner.read((db) =>
      db
        .selectFrom('canned_messages')
        .selectAll()
        .orderBy('position')
        .orderBy('created_at')
        .orderBy('id')
        .execute(),
    );
    return rows.map((row) => ({
      id: asCannedMessageId(row.id),
      text: row.text,
      position: row.position,
      createdAt: row.created_at,
    }));
  }

  async deleteCannedMessage(id: CannedMessageId): Promise<boolean> {
    return this.runner.remove((db) =>
      db.deleteFrom('canned_messages').where('id', '=', id).executeTakeFirst(),
    );
  }

  async #insertCssPartitions(db: Db, name: string, partitions: readonly string[]): Promise<void> {
    const rows = partitions.map((partition, position) => ({
      css_name: name,
      position,
      partition_name: partition,
    }));
    await insertRows(rows, (values) => db.insertInto('css_partitions').values(values).execute());
  }

  async #insertDeviceLines(db: Db, id: DeviceId, lineIds: readonly LineId[]): Promise<void> {
    const rows = lineIds.map((lineId, position) => ({ device_id: id, position, line_id: lineId }));
    await insertRows(rows, (values) => db.insertInto('device_lines').values(values).execute());
  }
}
