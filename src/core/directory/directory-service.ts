/**
 * The directory (SPEC C1, I4, M8): partitions, calling search spaces, lines, devices, which users
 * are associated with which devices, and canned messages. Reads are open to every signed-in
 * principal except a user's device list (theirs or an administrator's); writes need an administrator.
 */
import type { Clock } from '../../kernel/clock.js';
import { explainConflict, invalid, notFound } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import { type Checked, checkUsername } from '../identity/account-names.js';
import { type Principal, requireAdministrator, requireSelfOrAdministrator } from '../identity/principal.js';
import {
  asCannedMessageId,
  asDeviceId,
  asLineId,
  type CallingSearchSpaceRecord,
  type CannedMessageRecord,
  type DeviceKind,
  type DeviceRecord,
  type LineQuery,
  type LineRecord,
  type PartitionRecord,
  type Store,
  type StoreTransaction,
  type UserRecord,
} from '../ports.js';
import {
  checkCallingSearchSpaceName,
  checkCannedText,
  checkDescription,
  checkDeviceName,
  checkDirectoryNumber,
  checkMacAddress,
  checkPartitionName,
} from './directory-names.js';

export interface LineAddress {
  readonly number: string;
  readonly partition: string;
}

export interface NewDevice {
  readonly name: string;
  readonly kind: DeviceKind;
  readonly mac?: string | null;
  readonly description?: string;
  readonly callingSearchSpace?: string | null;
  readonly lines?: readonly LineAddress[];
}

/** A device as clients see it: its lines resolved and its users named. */
export interface DeviceView extends Omit<DeviceRecord, 'lineIds'> {
  readonly lines: readonly LineRecord[];
  readonly users: readonly string[];
}

export interface DirectoryEntry {
  readonly username: string;
  readonly displayName: string;
  readonly numbers: readonly LineAddress[];
}

function valid<T>(checked: Checked<T>, field: string): T {
  if (!checked.ok) throw invalid(checked.reason, field);
  return checked.value;
}

export class DirectoryService {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #ids: IdSource;

  constructor(options: { store: Store; clock: Clock; ids: IdSource }) {
    this.#store = options.store;
    this.#clock = options.clock;
    this.#ids = options.ids;
  }

  // ------------------------------------------------------------ partitions and search spaces

  async addPartition(
    actor: Principal,
    input: { name: string; description?: string },
  ): Promise<PartitionRecord> {
    requireAdministrator(actor, 'adding a partition');
    const partition = {
      name: valid(checkPartitionName(input.name), 'name'),
      description: valid(checkDescription(input.description ?? ''), 'description'),
    };
    await explainConflict(
      this.#store.directory.insertPartition(partition),
      () => `partition ${partition.name} already exists`,
    );
    return partition;
  }

  listPartitions(_actor: Principal): Promise<PartitionRecord[]> {
    return this.#store.directory.listPartitions();
  }

  async removePartition(actor: Principal, name: string): Promise<void> {
    requireAdministrator(actor, 'removing a partition');
    if (!(await this.#store.directory.deletePartition(name))) throw notFound(`no partition ${name}`, 'name');
  }

  async addCallingSearchSpace(
    actor: Principal,
    input: { name: string; description?: string; partitions: readonly string[] },
  ): Promise<CallingSearchSpaceRecord> {
    requireAdministrator(actor, 'adding a calling search space');
    const css = {
      name: valid(checkCallingSearchSpaceName(input.name), 'name'),
      description: valid(checkDescription(input.description ?? ''), 'description'),
      partitions: this.#checkPartitionList(input.partitions),
    };
    await explainConflict(
      this.#store.directory.insertCallingSearchSpace(css),
      () => `calling search space ${css.name} already exists`,
    );
    return css;
  }

  async setCallingSearchSpacePartitions(actor: Principal, name: string, partitions: readonly string[]) {
    requireAdministrator(actor, 'changing a calling search space');
    await this.#store.directory.setCallingSearchSpacePartitions(name, this.#checkPartitionList(partitions));
    const css = await this.#store.directory.findCallingSearchSpace(name);
    if (!css) throw notFound(`no calling search space ${name}`, 'name');
    return css;
  }

  listCallingSearchSpaces(_actor: Principal): Promise<CallingSearchSpaceRecord[]> {
    return this.#store.directory.listCallingSearchSpaces();
  }

  async removeCallingSearchSpace(actor: Principal, name: string): Promise<void> {
    requireAdministrator(actor, 'removing a calling search space');
    if (!(await this.#store.directory.deleteCallingSearchSpace(name)))
      throw notFound(`no calling search space ${name}`, 'name');
  }

  // ------------------------------------------------------------ lines

  async addLine(actor: Principal, input: LineAddress & { description?: string }): Promise<LineRecord> {
    requireAdministrator(actor, 'adding a line');
    const line: LineRecord = {
      id: asLineId(this.#ids.next()),
      number: valid(checkDirectoryNumber(input.number), 'number'),
      partition: valid(checkPartitionName(input.partition), 'partition'),
      description: valid(checkDescription(input.description ?? ''), 'description'),
      createdAt: this.#clock.now(),
    };
    await explainConflict(
      this.#store.directory.insertLine(line),
      () => `line ${line.number} already exists in partition ${line.partition}`,
    );
    return line;
  }

  listLines(_actor: Principal, query: LineQuery = {}): Promise<LineRecord[]> {
    return this.#store.directory.listLines(query);
  }

  async getLine(_actor: Principal, address: LineAddress): Promise<LineRecord> {
    return this.#findLine(this.#store, address);
  }

  async removeLine(actor: Principal, address: LineAddress): Promise<void> {
    requireAdministrator(actor, 'removing a line');
    const line = await this.#findLine(this.#store, address);
    await this.#store.directory.deleteLine(line.id);
  }

  // ------------------------------------------------------------ devices

  /** Creates the device with its line appearances in one transaction: all or nothing. */
  async addDevice(actor: Principal, input: NewDevice): Promise<DeviceView> {
    requireAdministrator(actor, 'adding a device');
    if (input.kind !== 'deskphone' && input.kind !== 'softphone')
      throw invalid('kind must be "deskphone" or "softphone"', 'kind');
    const base = {
      id: asDeviceId(this.#ids.next()),
      name: valid(checkDeviceName(input.name), 'name'),
      kind: input.kind,
      mac: input.mac ? valid(checkMacAddress(input.mac), 'mac') : null,
      description: valid(checkDescription(input.description ?? ''), 'description'),
      callingSearchSpace: input.callingSearchSpace || null,
      createdAt: this.#clock.now(),
    };
    const id = await this.#store.transaction(async (tx) => {
      const lines = await Promise.all((input.lines ?? []).map((l) => this.#findLine(tx, l)));
      await explainConflict(
        tx.directory.insertDevice({ ...base, lineIds: lines.map((l) => l.id) }),
        (field) =>
          field === 'mac'
            ? `MAC address ${base.mac} belongs to another device`
            : `device ${base.name} already exists`,
      );
      return base.id;
    });
    return this.#view(this.#store, await this.#deviceById(id));
  }

  async updateDevice(
    actor: Principal,
    name: string,
    patch: { description?: string; mac?: string | null; callingSearchSpace?: string | null },
  ): Promise<DeviceView> {
    requireAdministrator(actor, 'changing a device');
    const device = await this.#deviceByName(name);
    await this.#store.directory.updateDevice(device.id, {
      ...(patch.description !== undefined
        ? { description: valid(checkDescription(patch.description), 'description') }
        : {}),
      ...(patch.mac !== undefined
        ? { mac: patch.mac ? valid(checkMacAddress(patch.mac), 'mac') : null }
        : {}),
      ...(patch.callingSearchSpace !== undefined
        ? { callingSearchSpace: patch.callingSearchSpace || null }
        : {}),
    });
    return this.getDevice(actor, name);
  }

  async setDeviceLines(actor: Principal, name: string, lines: readonly LineAddress[]): Promise<DeviceView> {
    requireAdministrator(actor, 'changing the lines of a device');
    const device = await this.#deviceByName(name);
    await this.#store.transaction(async (tx) => {
      const records = await Promise.all(lines.map((l) => this.#findLine(tx, l)));
      await tx.directory.setDeviceLines(
        device.id,
        records.map((l) => l.id),
      );
    });
    return this.getDevice(actor, name);
  }

  async getDevice(_actor: Principal, name: string): Promise<DeviceView> {
    return this.#view(this.#store, await this.#deviceByName(name));
  }

  async listDevices(_actor: Principal): Promise<DeviceView[]> {
    const devices = await this.#store.directory.listDevices();
    return Promise.all(devices.map((d) => this.#view(this.#store, d)));
  }

  async removeDevice(actor: Principal, name: string): Promise<void> {
    requireAdministrator(actor, 'removing a device');
    await this.#store.directory.deleteDevice((await this.#deviceByName(name)).id);
  }

  async associate(actor: Principal, username: string, deviceName: string): Promise<void> {
    requireAdministrator(actor, 'associating a device');
    const user = await this.#user(username);
    await this.#store.directory.associateDevice(user.id, (await this.#deviceByName(deviceName)).id);
  }

  async dissociate(actor: Principal, username: string, deviceName: string): Promise<void> {
    requireAdministrator(actor, 'dissociating a device');
    const user = await this.#user(username);
    const device = await this.#deviceByName(deviceName);
    if (!(await this.#store.directory.dissociateDevice(user.id, device.id)))
      throw notFound(`${deviceName} is not associated with ${user.username}`, 'device');
  }

  /**
   * The devices a user may use, with their lines — Herald's stand-in for Cisco CCMCIP (SPEC I4):
   * the client asks with the user's credentials and picks a softphone or a desk phone to control.
   */
  async devicesOfUser(actor: Principal, username: string): Promise<DeviceView[]> {
    const user = await this.#user(username);
    requireSelfOrAdministrator(actor, user.id, "listing a user's devices");
    const devices = await this.#store.directory.devicesOfUser(user.id);
    return Promise.all(devices.map((d) => this.#view(this.#store, d)));
  }

  /** Users matching `search`, with the numbers of their devices' lines (SPEC I4 directory look-up). */
  async search(_actor: Principal, search: string, limit = 50): Promise<DirectoryEntry[]> {
    const { users } = await this.#store.accounts.listUsers({
      search,
      limit: Math.min(limit, 200),
      offset: 0,
    });
    return Promise.all(
      users.map(async (user) => {
        const devices = await this.#store.directory.devicesOfUser(user.id);
        const seen = new Map<string, LineAddress>();
        for (const d of devices)
          for (const id of d.lineIds) {
            const line = await this.#store.directory.findLineById(id);
            if (line) seen.set(line.id, { number: line.number, partition: line.partition });
          }
        return { username: user.username, displayName: user.displayName, numbers: [...seen.values()] };
      }),
    );
  }

  // ------------------------------------------------------------ canned messages

  async addCannedMessage(actor: Principal, text: string, position?: number): Promise<CannedMessageRecord> {
    requireAdministrator(actor, 'adding a canned message');
    const existing = await this.#store.directory.listCannedMessages();
    const message: CannedMessageRecord = {
      id: asCannedMessageId(this.#ids.next()),
      text: valid(checkCannedText(text), 'text'),
      position: position ?? (existing.at(-1)?.position ?? 0) + 1,
      createdAt: this.#clock.now(),
    };
    if (!Number.isInteger(message.position) || message.position < 0 || message.position > 10_000)
      throw invalid('position must be an integer from 0 to 10000', 'position');
    await this.#store.directory.insertCannedMessage(message);
    return message;
  }

  listCannedMessages(_actor: Principal): Promise<CannedMessageRecord[]> {
    return this.#store.directory.listCannedMessages();
  }

  async removeCannedMessage(actor: Principal, id: string): Promise<void> {
    requireAdministrator(actor, 'removing a canned message');
    if (!(await this.#store.directory.deleteCannedMessage(asCannedMessageId(id))))
      throw notFound(`no canned message ${id}`, 'id');
  }

  // ------------------------------------------------------------ internals

  #checkPartitionList(partitions: readonly string[]): string[] {
    if (!Array.isArray(partitions)) throw invalid('partitions must be a list', 'partitions');
    if (partitions.length > 100) throw invalid('at most 100 partitions', 'partitions');
    const names = partitions.map((p) => valid(checkPartitionName(p), 'partitions'));
    if (new Set(names).size !== names.length) throw invalid('a partition is listed twice', 'partitions');
    return names;
  }

  async #findLine(tx: StoreTransaction, address: LineAddress): Promise<LineRecord> {
    const line = await tx.directory.findLine(address.number, address.partition);
    if (!line) throw notFound(`no line ${address.number} in partition ${address.partition}`, 'lines');
    return line;
  }

  async #deviceByName(name: string): Promise<DeviceRecord> {
    const device = await this.#store.directory.findDeviceByName(name);
    if (!device) throw notFound(`no device ${name}`, 'device');
    return device;
  }

  async #deviceById(id: DeviceRecord['id']): Promise<DeviceRecord> {
    const device = await this.#store.directory.findDeviceById(id);
    if (!device) throw notFound(`no device ${id}`, 'device');
    return device;
  }

  async #user(username: string): Promise<UserRecord> {
    const name = checkUsername(username);
    const user = name.ok ? await this.#store.accounts.findUserByName(name.value) : undefined;
    if (!user) throw notFound(`no user ${JSON.stringify(username)}`, 'username');
    return user;
  }

  async #view(tx: StoreTransaction, device: DeviceRecord): Promise<DeviceView> {
    const { lineIds, ...rest } = device;
    const lines = (await Promise.all(lineIds.map((id) => tx.directory.findLineById(id)))).filter(
      (l): l is LineRecord => l !== undefined,
    );
    const users = (await tx.directory.usersOfDevice(device.id)).map((u) => u.username);
    return { ...rest, lines, users };
  }
}
