/**
 * Reading directory records from SQL rows: lines, devices with their line appearances (button
 * order), calling search spaces with their ordered partitions.
 */
import type { Kysely } from 'kysely';
import {
  asDeviceId,
  asLineId,
  type CallingSearchSpaceRecord,
  type DeviceKind,
  type DeviceRecord,
  type LineId,
  type LineRecord,
} from '../../../core/ports.js';
import { HeraldError } from '../../../kernel/errors.js';
import { CHUNK } from './sql-chunks.js';
import type { Database, DevicesTable, LinesTable } from './sql-schema.js';

type Db = Kysely<Database>;

export function lineFromRow(row: LinesTable): LineRecord {
  return {
    id: asLineId(row.id),
    number: row.number,
    partition: row.partition_name,
    description: row.description,
    createdAt: row.created_at,
  };
}

function deviceKind(kind: string): DeviceKind {
  if (kind === 'deskphone' || kind === 'softphone') return kind;
  throw new HeraldError('HERALD_ERR_INTERNAL', `the store holds a device of unknown kind ${kind}`);
}

function deviceFromRow(row: DevicesTable, lineIds: readonly LineId[]): DeviceRecord {
  return {
    id: asDeviceId(row.id),
    name: row.name,
    kind: deviceKind(row.kind),
    mac: row.mac,
    description: row.description,
    callingSearchSpace: row.css_name,
    lineIds,
    createdAt: row.created_at,
  };
}

/** Devices in the order of `rows`, each with its lines by position. */
export async function withLines(db: Db, rows: readonly DevicesTable[]): Promise<DeviceRecord[]> {
  const lines = new Map<string, LineId[]>(rows.map((row) => [row.id, []]));
  const ids = [...lines.keys()];
  for (let start = 0; start < ids.length; start += CHUNK) {
    const appearances = await db
      .selectFrom('device_lines')
      .select(['device_id', 'line_id'])
      .where('device_id', 'in', ids.slice(start, start + CHUNK))
      .orderBy('device_id')
      .orderBy('position')
      .execute();
    for (const { device_id, line_id } of appearances) lines.get(device_id)?.push(asLineId(line_id));
  }
  return rows.map((row) => deviceFromRow(row, lines.get(row.id) ?? []));
}

export async function findDevice(
  db: Db,
  column: 'id' | 'name',
  value: string,
): Promise<DeviceRecord | undefined> {
  const row = await db.selectFrom('devices').selectAll().where(column, '=', value).executeTakeFirst();
  if (!row) return undefined;
  const [device] = await withLines(db, [row]);
  return device;
}

/** Every calling search space by name, or the one named. */
export async function callingSearchSpaces(db: Db, name?: string): Promise<CallingSearchSpaceRecord[]> {
  const spaces = await db
    .selectFrom('calling_search_spaces')
    .selectAll()
    .$if(name !== undefined, (q) => q.where('name', '=', name ?? ''))
    .orderBy('name')
    .execute();
  const members = await db
    .selectFrom('css_partitions')
    .select(['css_name', 'partition_name'])
    .$if(name !== undefined, (q) => q.where('css_name', '=', name ?? ''))
    .orderBy('css_name')
    .orderBy('position')
    .execute();
  const partitions = new Map<string, string[]>(spaces.map((css) => [css.name, []]));
  for (const member of members) partitions.get(member.css_name)?.push(member.partition_name);
  return spaces.map((css) => ({ ...css, partitions: partitions.get(css.name) ?? [] }));
}
