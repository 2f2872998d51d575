/**
 * DirectoryStore (core/ports.ts, SPEC C1, I4, M8) over the memory tables, keeping the SQL
 * adapter's rules: the same uniques, references, cascades and order, and the same order of checks
 * (references, then unique keys). Every write checks all its rules before it changes anything, so
 * a refused write leaves nothing behind.
 */
import type {
  CallingSearchSpaceRecord,
  CannedMessageId,
  CannedMessageRecord,
  DeviceId,
  DevicePatch,
  DeviceRecord,
  DirectoryStore,
  LineId,
  LineQuery,
  LineRecord,
  PartitionRecord,
  UserId,
  UserRecord,
} from '../../../core/ports.js';
import { conflict, notFound } from '../../../kernel/errors.js';
import { byKeys } from './binary-order.js';
import { copy, type TablesProvider } from './memory-tables.js';

const byName = byKeys<{ name: string }>((item) => item.name);
const byNumberThenPartition = byKeys<LineRecord>(
  (line) => line.number,
  (line) => line.partition,
);
const byUsername = byKeys<UserRecord>((user) => user.username);
const byPositionThenCreation = byKeys<CannedMessageRecord>(
  (message) => message.position,
  (message) => message.createdAt,
  (message) => message.id,
);

export class MemoryDirectoryStore implements DirectoryStore {
  constructor(private readonly tables: TablesProvider) {}

  async insertPartition(partition: PartitionRecord): Promise<void> {
    const { partitions } = this.tables();
    if (partitions.has(partition.name)) throw conflict(`partition ${partition.name} exists`, 'name');
    partitions.set(partition.name, copy(partition));
  }

  async listPartitions(): Promise<PartitionRecord[]> {
    return [...this.tables().partitions.values()].sort(byName).map(copy);
  }

  async deletePartition(name: string): Promise<boolean> {
    const { partitions, lines, callingSearchSpaces } = this.tables();
    if (!partitions.has(name)) return false;
    if ([...lines.values()].some((line) => line.partition === name)) {
      throw conflict(`partition ${name} still has lines`, 'name');
    }
    if ([...callingSearchSpaces.values()].some((css) => css.partitions.includes(name))) {
      throw conflict(`partition ${name} is in a calling search space`, 'name');
    }
    return partitions.delete(name);
  }

  async insertCallingSearchSpace(css: CallingSearchSpaceRecord): Promise<void> {
    const { callingSearchSpaces } = this.tables();
    this.#checkPartitions(css.partitions);
    if (callingSearchSpaces.has(css.name)) throw conflict(`calling search space ${css.name} exists`, 'name');
    callingSearchSpaces.set(css.name, copy(css));
  }

  async setCallingSearchSpacePartitions(name: string, partitions: readonly string[]): Promise<void> {
    const { callingSearchSpaces } = this.tables();
    const css = callingSearchSpaces.get(name);
    if (!css) throw notFound(`no calling search space ${name}`, 'name');
    this.#checkPartitions(partitions);
    callingSearchSpaces.set(name, { ...css, partitions: [...partitions] });
  }

  async findCallingSearchSpace(name: string): Promise<CallingSearchSpaceRecord | undefined> {
    const css = this.tables().callingSearchSpaces.get(name);
    return css && copy(css);
  }

  async listCallingSearchSpaces(): Promise<CallingSearchSpaceRecord[]> {
    return [...this.tables().callingSearchSpaces.values()].sort(byName).map(copy);
  }

  async deleteCallingSearchSpace(name: string): Promise<boolean> {
    const { callingSearchSpaces, devices } = this.tables();
    if (!callingSearchSpaces.has(name)) return false;
    if ([...devices.values()].some((device) => device.callingSearchSpace === name)) {
      throw conflict(`calling search space ${name} is used by devices`, 'name');
    }
    return callingSearchSpaces.delete(name);
  }

  async insertLine(line: LineRecord): Promise<void> {
    const { lines, partitions } = this.tables();
    if (!partitions.has(line.partition)) throw notFound(`no partition ${line.partition}`, 'partition');
    if (lines.has(line.id)) throw conflict(`line id ${line.id} is taken`, 'id');
    if (this.#findLine(line.number, line.partition)) {
      throw conflict(`line ${line.number} exists in partition ${line.partition}`, 'number');
    }
    lines.set(line.id, copy(line));
  }

  async findLineById(id: LineId): Promise<LineRecord | undefined> {
    const line = this.tables().lines.get(id);
    return line && copy(line);
  }

  async findLine(number: string, partition: string): Promise<LineRecord | undefined> {
    const line = this.#findLine(number, partition);
    return line && copy(line);
  }

  async listLines(query: LineQuery): Promise<LineRecord[]> {
    return [...this.tables().lines.values()]
      .filter((line) => query.number === undefined || line.number === query.number)
      .filter((line) => query.partition === undefined || line.partition === query.partition)
      .sort(byNumberThenPartition)
      .map(copy);
  }

  async deleteLine(id: LineId): Promise<boolean> {
    const { lines, devices } = this.tables();
    if (!lines.delete(id)) return false;
    for (const device of devices.values()) {
      if (device.lineIds.includes(id)) {
        devices.set(device.id, { ...device, lineIds: device.lineIds.filter((lineId) => lineId !== id) });
      }
    }
    return true;
  }

  async insertDevice(device: DeviceRecord): Promise<void> {
    const { devices } = this.tables();
    this.#checkCallingSearchSpace(device.callingSearchSpace);
    this.#checkLines(device.lineIds);
    if (devices.has(device.id)) throw conflict(`device id ${device.id} is taken`, 'id');
    if (this.#deviceByName(device.name)) throw conflict(`device name ${device.name} is taken`, 'name');
    this.#checkMac(device.mac, device.id);
    devices.set(device.id, copy(device));
  }

  async updateDevice(id: DeviceId, patch: DevicePatch): Promise<DeviceRecord> {
    const { devices } = this.tables();
    const current = devices.get(id);
    if (!current) throw notFound(`no device ${id}`, 'id');
    if (patch.callingSearchSpace !== undefined) this.#checkCallingSearchSpace(patch.callingSearchSpace);
    if (patch.mac !== undefined) this.#checkMac(patch.mac, id);
    const updated: DeviceRecord = {
      ...current,
      ...(patch.description !== undefined && { description: patch.description }),
      ...(patch.mac !== undefined && { mac: patch.mac }),
      ...(patch.callingSearchSpace !== undefined && { callingSearchSpace: patch.callingSearchSpace }),
    };
    devices.set(id, updated);
    return copy(updated);
  }

  async setDeviceLines(id: DeviceId, lineIds: readonly LineId[]): Promise<void> {
    const { devices } = this.tables();
    const current = devices.get(id);
    if (!current) throw notFound(`no device ${id}`, 'id');
    this.#checkLines(lineIds);
    devices.set(id, { ...current, lineIds: [...lineIds] });
  }

  async findDeviceById(id: DeviceId): Promise<DeviceRecord | undefined> {
    const device = this.tables().devices.get(id);
    return device && copy(device);
  }

  async findDeviceByName(name: string): Promise<DeviceRecord | undefined> {
    const device = this.#deviceByName(name);
    return device && copy(device);
  }

  async listDevices(): Promise<DeviceRecord[]> {
    return [...this.tables().devices.values()].sort(byName).map(copy);
  }

  async deleteDevice(id: DeviceId): Promise<boolean> {
    const { devices, associations } = this.tables();
    if (!devices.delete(id)) return false;
    for (const deviceIds of associations.values()) deviceIds.delete(id);
    return true;
  }

  async associateDevice(userId: UserId, deviceId: DeviceId): Promise<void> {
    const { users, devices, associations } = this.tables();
    if (!users.has(userId)) throw notFound(`no user ${userId}`, 'userId');
    if (!devices.has(deviceId)) throw notFound(`no device ${deviceId}`, 'deviceId');
    const deviceIds = associations.get(userId) ?? new Set<DeviceId>();
    deviceIds.add(deviceId);
    associations.set(userId, deviceIds);
  }

  async dissociateDevice(userId: UserId, deviceId: DeviceId): Promise<boolean> {
    return this.tables().associations.get(userId)?.delete(deviceId) ?? false;
  }

  async devicesOfUser(userId: UserId): Promise<DeviceRecord[]> {
    const { devices, associations } = this.tables();
    const deviceIds = [...(associations.get(userId) ?? [])];
    return deviceIds
      .flatMap((id) => devices.get(id) ?? [])
      .sort(byName)
      .map(copy);
  }

  async usersOfDevice(deviceId: DeviceId): Promise<UserRecord[]> {
    const { users, associations } = this.tables();
    return [...associations]
      .filter(([, deviceIds]) => deviceIds.has(deviceId))
      .flatMap(([userId]) => users.get(userId) ?? [])
      .sort(byUsername)
      .map(copy);
  }

  async insertCannedMessage(message: CannedMessageRecord): Promise<void> {
    const { cannedMessages } = this.tables();
    if (cannedMessages.has(message.id)) throw conflict(`canned message id ${message.id} is taken`, 'id');
    cannedMessages.set(message.id, copy(message));
  }

  async listCannedMessages(): Promise<CannedMessageRecord[]> {
    return [...this.tables().cannedMessages.values()].sort(byPositionThenCreation).map(copy);
  }

  async deleteCannedMessage(id: CannedMessageId): Promise<boolean> {
    return this.tables().cannedMessages.delete(id);
  }

  #findLine(number: string, partition: string): LineRecord | undefined {
    for (const line of this.tables().lines.values()) {
      if (line.number === number && line.partition === partition) return line;
    }
    return undefined;
  }

  #deviceByName(name: string): DeviceRecord | undefined {
    for (const device of this.tables().devices.values()) if (device.name === name) return device;
    return undefined;
  }

  #checkMac(mac: string | null, self: DeviceId): void {
    if (mac === null) return;
    for (const device of this.tables().devices.values()) {
      if (device.mac === mac && device.id !== self) throw conflict(`mac ${mac} is taken`, 'mac');
    }
  }

  #checkPartitions(names: readonly string[]): void {
    const { partitions } = this.tables();
    const missing = names.find((name) => !partitions.has(name));
    if (missing !== undefined) throw notFound(`no partition ${missing}`, 'partitions');
  }

  #checkCallingSearchSpace(name: string | null): void {
    if (name !== null && !this.tables().callingSearchSpaces.has(name)) {
      throw notFound(`no calling search space ${name}`, 'callingSearchSpace');
    }
  }

  #checkLines(lineIds: readonly LineId[]): void {
    const { lines } = this.tables();
    const missing = lineIds.find((id) => !lines.has(id));
    if (missing !== undefined) throw notFound(`no line ${missing}`, 'lineIds');
  }
}
