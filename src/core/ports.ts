/**
 * Every interface the core needs from outside (DESIGN.md, "ports"): adapters in infra/ implement
 * them, main/ wires them. Records here are plain data; the core validates before it stores.
 */

declare const brand: unique symbol;
type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type DeviceId = Brand<string, 'DeviceId'>;
export type LineId = Brand<string, 'LineId'>;
export type CannedMessageId = Brand<string, 'CannedMessageId'>;

export const asUserId = (id: string): UserId => id as UserId;
export const asDeviceId = (id: string): DeviceId => id as DeviceId;
export const asLineId = (id: string): LineId => id as LineId;
export const asCannedMessageId = (id: string): CannedMessageId => id as CannedMessageId;

// ---------------------------------------------------------------- accounts (SPEC S4)

export interface UserRecord {
  readonly id: UserId;
  /** The localpart: lower case, unique. */
  readonly username: string;
  readonly displayName: string;
  readonly email: string | null;
  readonly isAdmin: boolean;
  readonly createdAt: number;
}

/** RFC 5802 §3 salted SCRAM keys; base64 fields. The password itself is never stored. */
export interface ScramKeys {
  readonly iterations: number;
  readonly salt: string;
  readonly storedKey: string;
  readonly serverKey: string;
}

export interface StoredCredentials {
  readonly scramSha1: ScramKeys;
  readonly scramSha256: ScramKeys;
  /** SIP digest realm the HA1 values were derived for (RFC 8760). */
  readonly digestRealm: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
  /** argon2id PHC string, for web and API login. */
  readonly passwordHash: string;
  readonly updatedAt: number;
}

export interface UserQuery {
  /** Case-insensitive substring of username or display name. */
  readonly search?: string;
  readonly limit: number;
  readonly offset: number;
}

export interface UserPatch {
  readonly displayName?: string;
  readonly email?: string | null;
  readonly isAdmin?: boolean;
}

export interface AccountStore {
  /** Fails with HERALD_ERR_CONFLICT when the username or id is taken. */
  insertUser(user: UserRecord, credentials: StoredCredentials): Promise<void>;
  findUserById(id: UserId): Promise<UserRecord | undefined>;
  findUserByName(username: string): Promise<UserRecord | undefined>;
  /** Ordered by username. */
  listUsers(query: UserQuery): Promise<{ users: UserRecord[]; total: number }>;
  /** Fails with HERALD_ERR_NOT_FOUND for an unknown user. */
  updateUser(id: UserId, patch: UserPatch): Promise<UserRecord>;
  getCredentials(id: UserId): Promise<StoredCredentials | undefined>;
  /** Fails with HERALD_ERR_NOT_FOUND for an unknown user. */
  setCredentials(id: UserId, credentials: StoredCredentials): Promise<void>;
  /**
   * Removes the user, their credentials, device associations, roster, block list, offline
   * messages, PEP nodes, SIP bindings and last logout; false if there was none.
   */
  deleteUser(id: UserId): Promise<boolean>;
}

// ---------------------------------------------------------------- directory (SPEC C1, I4, M8)

export interface PartitionRecord {
  readonly name: string;
  readonly description: string;
}

/** A calling search space: the ordered partitions a device may reach. */
export interface CallingSearchSpaceRecord {
  readonly name: string;
  readonly description: string;
  readonly partitions: readonly string[];
}

/** A directory number in a partition; the same number in two partitions is two lines. */
export interface LineRecord {
  readonly id: LineId;
  readonly number: string;
  readonly partition: string;
  readonly description: string;
  readonly createdAt: number;
}

export type DeviceKind = 'deskphone' | 'softphone';

export interface DeviceRecord {
  readonly id: DeviceId;
  /** Unique device name (e.g. SEP001122334455, CSFALICE). */
  readonly name: string;
  readonly kind: DeviceKind;
  /** 12 upper-case hex digits, unique when set. */
  readonly mac: string | null;
  readonly description: string;
  readonly callingSearchSpace: string | null;
  /** Line appearances in button order. */
  readonly lineIds: readonly LineId[];
  readonly createdAt: number;
}

export interface DevicePatch {
  readonly description?: string;
  readonly mac?: string | null;
  readonly callingSearchSpace?: string | null;
}

export interface CannedMessageRecord {
  readonly id: CannedMessageId;
  readonly text: string;
  readonly position: number;
  readonly createdAt: number;
}

export interface LineQuery {
  readonly number?: string;
  readonly partition?: string;
}

/**
 * Referential rules every adapter keeps: a line's partition and a device's calling search space
 * must exist (HERALD_ERR_NOT_FOUND naming the field); a partition or calling search space still
 * referenced cannot be deleted (HERALD_ERR_CONFLICT); unique keys give HERALD_ERR_CONFLICT.
 */
export interface DirectoryStore {
  insertPartition(partition: PartitionRecord): Promise<void>;
  listPartitions(): Promise<PartitionRecord[]>;
  deletePartition(name: string): Promise<boolean>;

  insertCallingSearchSpace(css: CallingSearchSpaceRecord): Promise<void>;
  /** Replaces the ordered partition list. */
  setCallingSearchSpacePartitions(name: string, partitions: readonly string[]): Promise<void>;
  findCallingSearchSpace(name: string): Promise<CallingSearchSpaceRecord | undefined>;
  listCallingSearchSpaces(): Promise<CallingSearchSpaceRecord[]>;
  deleteCallingSearchSpace(name: string): Promise<boolean>;

  insertLine(line: LineRecord): Promise<void>;
  findLineById(id: LineId): Promise<LineRecord | undefined>;
  findLine(number: string, partition: string): Promise<LineRecord | undefined>;
  /** Ordered by number, then partition. */
  listLines(query: LineQuery): Promise<LineRecord[]>;
  /** Also removes its appearances on devices. */
  deleteLine(id: LineId): Promise<boolean>;

  insertDevice(device: DeviceRecord): Promise<void>;
  updateDevice(id: DeviceId, patch: DevicePatch): Promise<DeviceRecord>;
  /** Replaces the device's line appearances (button order); every line must exist. */
  setDeviceLines(id: DeviceId, lineIds: readonly LineId[]): Promise<void>;
  findDeviceById(id: DeviceId): Promise<DeviceRecord | undefined>;
  findDeviceByName(name: string): Promise<DeviceRecord | undefined>;
  /** Ordered by name. */
  listDevices(): Promise<DeviceRecord[]>;
  /** Also removes its associations and line appearances. */
  deleteDevice(id: DeviceId): Promise<boolean>;

  /** Idempotent. Both must exist (HERALD_ERR_NOT_FOUND). */
  associateDevice(userId: UserId, deviceId: DeviceId): Promise<void>;
  dissociateDevice(userId: UserId, deviceId: DeviceId): Promise<boolean>;
  /** Ordered by device name. */
  devicesOfUser(userId: UserId): Promise<DeviceRecord[]>;
  /** Ordered by username. */
  usersOfDevice(deviceId: DeviceId): Promise<UserRecord[]>;

  insertCannedMessage(message: CannedMessageRecord): Promise<void>;
  /** Ordered by position, then creation. */
  listCannedMessages(): Promise<CannedMessageRecord[]>;
  deleteCannedMessage(id: CannedMessageId): Promise<boolean>;
}

// ---------------------------------------------------------------- roster and blocking (RFC 6121, XEP-0191; SPEC P3)

/** RFC 6121 §2.1.2.5: whether presence flows to the user (`to`), from the user (`from`), both, or not. */
export type Subscription = 'none' | 'to' | 'from' | 'both';

/**
 * One contact in a user's roster, with the subscription state of RFC 6121 Appendix A. A record
 * may be *unlisted*: it only remembers an inbound request or a pre-approval for someone the user
 * has not added (RFC 6121 §3.1.3, §3.4); unlisted records are never shown in the roster.
 */
export interface RosterItemRecord {
  readonly userId: UserId;
  /** The contact's bare address in canonical form (a bare JID: user@domain). */
  readonly contact: string;
  readonly name: string | null;
  /** Group names, unique, in the order given. */
  readonly groups: readonly string[];
  readonly subscription: Subscription;
  /** The user asked for the contact's presence and waits (ask='subscribe'). */
  readonly pendingOut: boolean;
  /** The contact asked for the user's presence and waits for the user's answer. */
  readonly pendingIn: boolean;
  /** The user approved a subscription request before it came (RFC 6121 §3.4). */
  readonly preApproved: boolean;
  readonly listed: boolean;
  readonly updatedAt: number;
}

export interface RosterStore {
  /** Every record of the user (listed or not), ordered by contact, and the roster version. */
  getRoster(userId: UserId): Promise<{ items: RosterItemRecord[]; version: number }>;
  getItem(userId: UserId, contact: string): Promise<RosterItemRecord | undefined>;
  /** Inserts or replaces the record; returns the user's new roster version (one more than before). */
  putItem(item: RosterItemRecord): Promise<number>;
  /** Removes the record; the new roster version, or null if there was none (version unchanged). */
  deleteItem(userId: UserId, contact: string): Promise<number | null>;
  /** Every user whose roster has a record for `contact` (to find who watches whom), by user id. */
  usersWithContact(contact: string): Promise<RosterItemRecord[]>;
}

export interface BlockListStore {
  /** Blocked addresses (bare or full JIDs, or domains), ordered. */
  getBlockList(userId: UserId): Promise<string[]>;
  /** Adds the addresses (idempotent). */
  block(userId: UserId, addresses: readonly string[]): Promise<void>;
  /** Removes the addresses; none given = unblock all (XEP-0191 §3.4). */
  unblock(userId: UserId, addresses?: readonly string[]): Promise<void>;
}

// ---------------------------------------------------------------- offline messages (XEP-0160; SPEC M3)

/** A message kept for a user who was not there, in a protocol-neutral envelope. */
export interface OfflineMessageRecord {
  readonly id: string;
  readonly userId: UserId;
  /** Sender's address (JID or SIP URI) as text. */
  readonly from: string;
  readonly storedAt: number;
  /**
   * The message as its protocol adapter wants it back (e.g. the XMPP stanza's XML, or a SIP
   * MESSAGE's body), with enough to turn it into another protocol's message.
   */
  readonly payload: {
    readonly format: string;
    readonly content: string;
    readonly body: string | null;
  };
}

export interface OfflineStore {
  /**
   * Stores the message unless the user already has `quota` messages waiting (atomic: two
   * concurrent calls cannot exceed it). Durable once it resolves.
   */
  enqueue(message: OfflineMessageRecord, quota: number): Promise<'stored' | 'quota-exceeded'>;
  /** The oldest `limit` messages, oldest first. */
  peek(userId: UserId, limit: number): Promise<OfflineMessageRecord[]>;
  /** Removes delivered messages; returns how many went. */
  remove(userId: UserId, ids: readonly string[]): Promise<number>;
  count(userId: UserId): Promise<number>;
}

// ---------------------------------------------------------------- message archive (XEP-0313; SPEC M5)

/** One message in one user's archive (XEP-0313 §3: each user has their own archive). */
export interface ArchivedMessageRecord {
  /** The XEP-0359 stanza-id given by the user's archive; unique across the store. */
  readonly id: string;
  readonly userId: UserId;
  /** The other party's bare address (a JID or a SIP AoR). */
  readonly peer: string;
  /** 'out': the user sent it; 'in': they received it. */
  readonly direction: 'in' | 'out';
  /** When the server accepted it (ms). Archives are ordered by (at, id). */
  readonly at: number;
  /** The sender's XEP-0359 origin-id or stanza id, if any. */
  readonly originId: string | null;
  readonly body: string | null;
  /** The message as its protocol adapter had it (e.g. the stanza's XML). */
  readonly payload: { readonly format: string; readonly content: string };
}

/** What to look for; every field narrows. `text`: a case-insensitive substring of the body. */
export interface ArchiveFilter {
  readonly peer?: string;
  readonly start?: number;
  readonly end?: number;
  readonly text?: string;
}

/** A position in an archive: strictly after or before this (at, id). */
export interface ArchiveCursor {
  readonly at: number;
  readonly id: string;
}

export interface ArchiveStore {
  /** Durable once it resolves; HERALD_ERR_CONFLICT if the id is taken, NOT_FOUND without the user. */
  append(record: ArchivedMessageRecord): Promise<void>;
  get(userId: UserId, id: string): Promise<ArchivedMessageRecord | undefined>;
  /**
   * Up to `limit` matching records after `after` (oldest first, order 'asc') or before `before`
   * (newest first, order 'desc').
   */
  list(
    userId: UserId,
    filter: ArchiveFilter,
    page: {
      readonly after?: ArchiveCursor;
      readonly before?: ArchiveCursor;
      readonly order: 'asc' | 'desc';
      readonly limit: number;
    },
  ): Promise<ArchivedMessageRecord[]>;
  count(userId: UserId, filter: ArchiveFilter): Promise<number>;
  /** The user's peers, each with their newest message, newest conversation first. */
  conversations(userId: UserId, limit: number): Promise<ArchivedMessageRecord[]>;
  /** Removes every record older than `before` (retention); returns how many went. */
  prune(before: number): Promise<number>;
}

// ---------------------------------------------------------------- group chat rooms (XEP-0045 §10; XEP-0313 §5 for rooms)

/** One affiliation of a persistent room (XEP-0045 §5.2); 'none' is never stored. */
export interface RoomAffiliationRecord {
  /** The user's bare JID. */
  readonly jid: string;
  readonly affiliation: 'owner' | 'admin' | 'member' | 'outcast';
  readonly reason: string | null;
}

/** A persistent room (XEP-0045 §10.1.3): stored while it is persistent, loaded at start. */
export interface RoomRecord {
  readonly jid: string;
  /** muc#roomconfig as JSON; the core validates it on load. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly subject: { readonly text: string; readonly nick: string } | null;
  readonly createdBy: UserId;
  readonly createdAt: number;
  readonly affiliations: readonly RoomAffiliationRecord[];
}

/** One groupchat message in a room's archive (XEP-0313 §5: the room's own archive). */
export interface RoomMessageRecord {
  /** The XEP-0359 stanza-id the room gave it; unique across rooms. */
  readonly id: string;
  readonly roomJid: string;
  readonly nick: string;
  /** The sender's bare JID (for moderators; never shown in a semi-anonymous room). */
  readonly sender: string;
  readonly at: number;
  readonly body: string | null;
  readonly payload: { readonly format: string; readonly content: string };
}

export interface RoomStore {
  /** Replaces the room and all its affiliations. */
  put(room: RoomRecord): Promise<void>;
  /** Removes the room, its affiliations and its archive. */
  delete(jid: string): Promise<void>;
  list(): Promise<RoomRecord[]>;
  /** HERALD_ERR_CONFLICT if the id is taken. */
  appendMessage(record: RoomMessageRecord): Promise<void>;
  getMessage(roomJid: string, id: string): Promise<RoomMessageRecord | undefined>;
  /** As ArchiveStore.list; `filter.peer` is ignored. */
  listMessages(
    roomJid: string,
    filter: ArchiveFilter,
    page: {
      readonly after?: ArchiveCursor;
      readonly before?: ArchiveCursor;
      readonly order: 'asc' | 'desc';
      readonly limit: number;
    },
  ): Promise<RoomMessageRecord[]>;
  countMessages(roomJid: string, filter: ArchiveFilter): Promise<number>;
  /** Removes a room's archive (a temporary room that went away); returns how many went. */
  deleteMessages(roomJid: string): Promise<number>;
}

// ---------------------------------------------------------------- personal eventing (XEP-0163 over XEP-0060)

/** XEP-0060 §4.5: who may retrieve a node's items; Herald's PEP offers these (XEP-0163 §5). */
export type PepAccessModel = 'presence' | 'open' | 'roster' | 'whitelist';

/** XEP-0060 pubsub#send_last_published_item, as PEP uses it (XEP-0163 §4.3.4). */
export type PepSendLastItem = 'never' | 'on_sub_and_presence';

/** One node of a user's personal eventing service (XEP-0163 §2.1: every account a pubsub service). */
export interface PepNodeRecord {
  readonly userId: UserId;
  /** The NodeID, unique per user (XEP-0163 §2.3: usually the payload's namespace). */
  readonly node: string;
  readonly accessModel: PepAccessModel;
  /** How many items the node keeps, the newest (pubsub#max_items); at least 1. */
  readonly maxItems: number;
  readonly sendLastItem: PepSendLastItem;
  /** pubsub#roster_groups_allowed: the owner's roster groups the roster access model admits (XEP-0060 §4.5). */
  readonly rosterGroupsAllowed: readonly string[];
  readonly createdAt: number;
}

/** One published item of a node. */
export interface PepItemRecord {
  readonly userId: UserId;
  readonly node: string;
  /** The ItemID, unique in its node. */
  readonly id: string;
  /** The payload as its protocol adapter serialised it (XMPP: one XML element). */
  readonly payload: string;
  /** The full address of the endpoint that published it. */
  readonly publisher: string;
  readonly publishedAt: number;
}

/**
 * The nodes and items of every user's PEP service. A node belongs to its user and an item to its
 * node: both go with them. "Newest" is the order of publication (a re-published ItemID becomes
 * the newest), kept by the store, never by comparing times.
 */
export interface PepStore {
  /** The user's nodes, ordered by NodeID (code-point order). */
  listNodes(userId: UserId): Promise<PepNodeRecord[]>;
  getNode(userId: UserId, node: string): Promise<PepNodeRecord | undefined>;
  /**
   * Creates the node unless it exists or the user already has `maxNodes` nodes (atomic: two
   * concurrent calls cannot pass the limit together). HERALD_ERR_NOT_FOUND naming userId for an
   * unknown user.
   */
  createNode(node: PepNodeRecord, maxNodes: number): Promise<'created' | 'exists' | 'limit-reached'>;
  /** Replaces an existing node's configuration, dropping the oldest items beyond its maxItems; false if there is no such node. */
  updateNode(node: PepNodeRecord): Promise<boolean>;
  /** Removes the node and its items; false if there was none. */
  deleteNode(userId: UserId, node: string): Promise<boolean>;
  /**
   * Stores the item as the node's newest, replacing one with the same id, then drops the oldest
   * beyond the node's maxItems; returns the ids dropped so. HERALD_ERR_NOT_FOUND naming node when
   * the node does not exist.
   */
  putItem(item: PepItemRecord): Promise<string[]>;
  /** At most `limit` items of the node, newest first. */
  getItems(userId: UserId, node: string, limit: number): Promise<PepItemRecord[]>;
  /** The node's items with these ids (those that exist), newest first. */
  getItemsById(userId: UserId, node: string, ids: readonly string[]): Promise<PepItemRecord[]>;
  /** False if there was no such item. */
  deleteItem(userId: UserId, node: string, id: string): Promise<boolean>;
}

// ---------------------------------------------------------------- live endpoints (SPEC M1, M2; DESIGN.md "Who owns which state")

export type EndpointProtocol = 'xmpp' | 'sip' | 'web';

/**
 * One place a user can be reached now: a bound XMPP resource, a SIP registration, a web session.
 * The core routes messages to endpoints without knowing their protocol (core/messaging).
 */
export interface Endpoint {
  /** Unique across protocols and nodes: the full JID, a SIP contact id, a web session id. */
  readonly id: string;
  readonly userId: UserId;
  /** The user's bare JID (localpart@domain), canonical. */
  readonly address: string;
  readonly protocol: EndpointProtocol;
  /** Unique among the user's endpoints: the XMPP resourcepart, or an id the adapter makes up. */
  readonly resource: string;
  /** RFC 6121 §4.7.2.3 presence priority, an integer in -128..127. */
  readonly priority: number;
  /** Sent initial presence (RFC 6121 §4.2) or registered; false = connected only. */
  readonly isAvailable: boolean;
  /** Wants messages sent to the bare address (RFC 6121 §8.5.2.1.1 "opted in"); false when priority < 0. */
  readonly isInterested: boolean;
}

export type SessionChange =
  | { readonly kind: 'added'; readonly endpoint: Endpoint }
  | { readonly kind: 'updated'; readonly endpoint: Endpoint; readonly previous: Endpoint }
  | { readonly kind: 'removed'; readonly endpoint: Endpoint };

export type SessionListener = (change: SessionChange) => void;

/**
 * Which endpoints are live, per user (memory per node now, Redis for the cluster later). The
 * protocol adapters that own the sessions write it; the core reads it to route.
 */
export interface SessionRegistry {
  /** Fails with HERALD_ERR_CONFLICT when the id, or the user's resource, is taken. */
  add(endpoint: Endpoint): Promise<void>;
  /**
   * Replaces an endpoint's priority and flags. Fails with HERALD_ERR_NOT_FOUND for an unknown
   * id, HERALD_ERR_VALIDATION when its user, address, protocol or resource would change.
   */
  update(endpoint: Endpoint): Promise<void>;
  /** False if there was none. */
  remove(id: string): Promise<boolean>;
  get(id: string): Promise<Endpoint | undefined>;
  /** The user's endpoints, ordered by id. */
  endpointsOf(userId: UserId): Promise<Endpoint[]>;
  /** Calls `listener` after every change; returns the function that stops it. */
  onChange(listener: SessionListener): () => void;
}

// ---------------------------------------------------------------- SIP location service (RFC 3261 §10)

/**
 * One binding of a user's address-of-record to a contact (RFC 3261 §10.3): where a registered
 * SIP UA is reached, and on which flow it registered (RFC 5626 §3.1), so requests go back on it.
 */
export interface SipBindingRecord {
  readonly userId: UserId;
  /** The contact URI as registered (the codec's text form); unique per user. */
  readonly contact: string;
  /** The flow the REGISTER came on; null when unknown (then the contact URI is resolved). */
  readonly flowId: string | null;
  /** The transport of that flow, lower case (udp, tcp, tls, ws, wss). */
  readonly transport: string;
  readonly callId: string;
  readonly cseq: number;
  /** Milliseconds since the epoch; a binding with expiresAt <= now is gone. */
  readonly expiresAt: number;
  /** The contact's q parameter (0..1), or null. */
  readonly q: number | null;
  /** RFC 5626 §4.1 +sip.instance and reg-id, when the UA sent them. */
  readonly instanceId: string | null;
  readonly regId: number | null;
  readonly userAgent: string | null;
  readonly updatedAt: number;
}

/**
 * The registrar's bindings (DESIGN.md: SIP bindings are the Registrar's, kept here). They survive
 * a restart; expired ones are never returned, whether or not they were purged yet.
 */
export interface LocationStore {
  /** The user's live bindings (expiresAt > now), ordered by contact (code-point order). */
  bindingsOf(userId: UserId, now: number): Promise<SipBindingRecord[]>;
  /**
   * Replaces every binding of the user with `bindings` (all of that user; contacts unique), in one
   * step. HERALD_ERR_NOT_FOUND naming userId for an unknown user; HERALD_ERR_VALIDATION naming
   * bindings when one is another user's or a contact repeats.
   */
  replaceBindings(userId: UserId, bindings: readonly SipBindingRecord[]): Promise<void>;
  /** At most `limit` live bindings of every user, ordered by user id then contact (for a restart). */
  liveBindings(now: number, limit: number): Promise<SipBindingRecord[]>;
  /** Removes the bindings with expiresAt <= now; returns how many went. */
  purgeExpired(now: number): Promise<number>;
}

// ---------------------------------------------------------------- last activity (XEP-0012)

/** When a user last went offline (their last session ended) and the status text they left. */
export interface LastLogoutRecord {
  /** Milliseconds since the epoch. */
  readonly at: number;
  /** The <status/> of their last presence, or null when there was none. */
  readonly status: string | null;
}

/** XEP-0012 §4: the one last logout per user, replaced at every logout; it goes with the user. */
export interface LastActivityStore {
  /** Replaces the user's last logout. HERALD_ERR_NOT_FOUND naming userId for an unknown user. */
  recordLogout(userId: UserId, at: number, status: string | null): Promise<void>;
  /** The user's last logout, or undefined if they never logged out (or do not exist). */
  lastLogout(userId: UserId): Promise<LastLogoutRecord | undefined>;
}

// ---------------------------------------------------------------- presence settings (SPEC P1, I1)

/** A person's manual status (docs/presence.md), kept across restarts. */
export interface ManualStatusRecord {
  /** 'available' | 'away' | 'busy' | 'dnd' | 'on-vacation' | 'invisible' (core/presence checks it). */
  readonly availability: string;
  readonly note: string | null;
  /** Milliseconds since the epoch when the choice ends by itself; null = until changed. */
  readonly until: number | null;
  readonly updatedAt: number;
}

/** Where a person's calendar is read from (SPEC I1): an iCalendar URL or a CalDAV collection. */
export interface CalendarSourceRecord {
  readonly url: string;
  /** HTTP Basic credentials for CalDAV / a protected feed; never logged. */
  readonly username: string | null;
  readonly password: string | null;
  readonly updatedAt: number;
}

/** One manual status and one calendar source per user; both go with the user. */
export interface PresenceStore {
  /** Replaces the user's manual status. HERALD_ERR_NOT_FOUND naming userId for an unknown user. */
  setManualStatus(userId: UserId, record: ManualStatusRecord): Promise<void>;
  clearManualStatus(userId: UserId): Promise<void>;
  manualStatus(userId: UserId): Promise<ManualStatusRecord | undefined>;
  /** Every stored manual status (the server loads them at start). */
  allManualStatuses(): Promise<{ readonly userId: UserId; readonly record: ManualStatusRecord }[]>;
  /** Replaces the user's calendar source. HERALD_ERR_NOT_FOUND naming userId for an unknown user. */
  setCalendarSource(userId: UserId, record: CalendarSourceRecord): Promise<void>;
  clearCalendarSource(userId: UserId): Promise<void>;
  calendarSource(userId: UserId): Promise<CalendarSourceRecord | undefined>;
  allCalendarSources(): Promise<{ readonly userId: UserId; readonly record: CalendarSourceRecord }[]>;
}

// ---------------------------------------------------------------- compliance archive (SPEC M7)

export type ComplianceProtocol = 'xmpp' | 'sip' | 'web';

/**
 * One message as the compliance sink keeps it (docs/compliance.md). Never a password or token:
 * the body is what the user wrote, `original` the stanza XML or SIP message text as received.
 */
export interface ComplianceRecord {
  readonly id: string;
  /** When the server accepted it (ms since the epoch). */
  readonly at: number;
  readonly protocol: ComplianceProtocol;
  readonly sender: string;
  readonly recipients: readonly string[];
  readonly room: string | null;
  readonly body: string | null;
  readonly original: string;
}

export interface ComplianceSinkHealth {
  readonly ok: boolean;
  readonly detail?: string;
}

/** The external compliance store (infra/compliance: PostgreSQL or an HTTP(S) webhook). */
export interface ComplianceSink {
  readonly kind: string;
  /** Durable in the sink once it resolves; the same id twice is kept once. Rejects when unreachable. */
  record(entry: ComplianceRecord): Promise<void>;
  health(): Promise<ComplianceSinkHealth>;
  close(): Promise<void>;
}

/** A record the sink did not take, waiting in the durable retry queue (table compliance_queue). */
export interface QueuedComplianceRecord {
  readonly id: string;
  readonly queuedAt: number;
  readonly attempts: number;
  readonly nextAttemptAt: number;
  readonly record: ComplianceRecord;
}

export interface ComplianceQueueStore {
  /** Durable once it resolves; a second enqueue of the same id is ignored. */
  enqueue(entry: QueuedComplianceRecord): Promise<void>;
  /** Up to `limit` entries due at `now`, by (nextAttemptAt, id). */
  due(now: number, limit: number): Promise<QueuedComplianceRecord[]>;
  /** The earliest nextAttemptAt, or null when the queue is empty. */
  nextAttemptAt(): Promise<number | null>;
  reschedule(id: string, attempts: number, nextAttemptAt: number): Promise<void>;
  remove(id: string): Promise<boolean>;
  count(): Promise<number>;
}

// ---------------------------------------------------------------- the store as a whole

export interface StoreHealth {
  readonly ok: boolean;
  readonly kind: StoreKind;
  readonly detail?: string;
}

export type StoreKind = 'memory' | 'sqlite' | 'postgres';

export interface StoreTransaction {
  readonly accounts: AccountStore;
  readonly directory: DirectoryStore;
  readonly roster: RosterStore;
  readonly blocks: BlockListStore;
  readonly offline: OfflineStore;
  readonly archive: ArchiveStore;
  readonly pep: PepStore;
  readonly location: LocationStore;
  readonly lastActivity: LastActivityStore;
  readonly presence: PresenceStore;
  readonly rooms: RoomStore;
}

export interface Store extends StoreTransaction {
  readonly kind: StoreKind;
  /** SPEC M7: the compliance retry queue (outside transactions). */
  readonly complianceQueue: ComplianceQueueStore;
  /**
   * Runs `work` atomically: if it throws, nothing it wrote stays. Transactions do not nest;
   * inside, use only the stores handed to `work`.
   */
  transaction<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

// ---------------------------------------------------------------- computation ports

/** A slow, salted password hash for web/API login (argon2id in infra/crypto). */
export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(hash: string, password: string): Promise<boolean>;
}

// ---------------------------------------------------------------- uploaded files (XEP-0363)

export type FileId = Brand<string, 'FileId'>;
export const asFileId = (id: string): FileId => id as FileId;

/** What is known of one uploaded file; the bytes are the FileStore's. */
export interface StoredFileRecord {
  /** Random, URL-safe ([A-Za-z0-9_-]); made by the core, never taken from a client. */
  readonly id: FileId;
  /** Who uploaded it (whose quota it counts against). */
  readonly userId: UserId;
  /** The name the client gave; kept as data only, never used as a path. */
  readonly name: string;
  /** A lower-case media type essence (type/subtype). */
  readonly contentType: string;
  readonly size: number;
  readonly createdAt: number;
}

/**
 * Uploaded files and their records (on disk in infra/files). Records live with the bytes rather
 * than in the Store, so that a file and what is known of it appear and go together, and the quota
 * never counts a file that is not there (or misses one that is).
 */
export interface FileStore {
  /**
   * Stores `content` under `record.id`: atomic (readers see the whole file or nothing) and
   * durable once it resolves. If `content` throws, nothing stays and the error propagates.
   * Fails with HERALD_ERR_CONFLICT when the id is taken.
   */
  put(record: StoredFileRecord, content: AsyncIterable<Uint8Array>): Promise<void>;
  /**
   * The record and a way to read the bytes, or undefined. `read()` opens the file only when
   * iterated; each iteration reads it from the start.
   */
  open(id: FileId): Promise<{ record: StoredFileRecord; read(): AsyncIterable<Uint8Array> } | undefined>;
  /** False if there was none. */
  remove(id: FileId): Promise<boolean>;
  /** Total bytes of the user's stored files. */
  usage(userId: UserId): Promise<number>;
}
