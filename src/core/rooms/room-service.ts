/**
 * XEP-0045 Multi-User Chat as a protocol-neutral core service: rooms, occupants, affiliations,
 * roles, configuration, history and invitations. Like RosterService it returns effects (what to
 * send to whom) and the adapter renders them as stanzas.
 */

import { BoundedMap } from '../../kernel/bounded-map.js';
import type { Clock } from '../../kernel/clock.js';
import { HeraldError } from '../../kernel/errors.js';
import type { IdSource } from '../../kernel/ids.js';
import type { PageRequest } from '../archive/rsm-paging.js';
import type { ArchiveFilter, RoomAffiliationRecord, RoomRecord, RoomStore, UserId } from '../ports.js';
import type { RoomArchivePage, RoomArchiver } from './room-archiver.js';
import {
  type Affiliation,
  affiliationChangeRefusal,
  defaultRole,
  entryRefusal,
  mayInvite,
  maySetSubject,
  mayTalk,
  type Role,
  roleAfterAffiliation,
  roleChangeRefusal,
} from './room-policy.js';

/** The stanza error condition a refused request answers with (XEP-0045 §7.2, §8, §9, §10). */
export type RoomCondition =
  | 'forbidden'
  | 'not-allowed'
  | 'registration-required'
  | 'not-authorized'
  | 'conflict'
  | 'item-not-found'
  | 'service-unavailable'
  | 'not-acceptable'
  | 'bad-request'
  | 'jid-malformed'
  | 'resource-constraint'
  | 'policy-violation';

export class RoomError extends HeraldError {
  constructor(
    readonly condition: RoomCondition,
    message: string,
  ) {
    super(
      condition === 'item-not-found'
        ? 'HERALD_ERR_NOT_FOUND'
        : condition === 'conflict'
          ? 'HERALD_ERR_CONFLICT'
          : condition === 'bad-request' || condition === 'not-acceptable' || condition === 'jid-malformed'
            ? 'HERALD_ERR_VALIDATION'
            : 'HERALD_ERR_FORBIDDEN',
      message,
    );
  }
}

/** muc#roomconfig (XEP-0045 §15.5.3). */
export interface RoomConfig {
  readonly name: string;
  readonly description: string;
  readonly persistent: boolean;
  readonly membersOnly: boolean;
  readonly moderated: boolean;
  /** Empty: no password. */
  readonly password: string;
  readonly maxUsers: number;
  readonly historyLength: number;
  readonly allowInvites: boolean;
  readonly publicRoom: boolean;
  readonly changeSubject: boolean;
  readonly allowNickChange: boolean;
  /** 'anyone' (non-anonymous, status 100/172) or 'moderators' (semi-anonymous). */
  readonly whois: 'anyone' | 'moderators';
}

export const defaultRoomConfig: RoomConfig = {
  name: '',
  description: '',
  persistent: false,
  membersOnly: false,
  moderated: false,
  password: '',
  maxUsers: 50,
  historyLength: 20,
  allowInvites: false,
  publicRoom: true,
  changeSubject: false,
  allowNickChange: true,
  whois: 'moderators',
};

export interface RoomLimits {
  readonly maxRoomsPerUser: number;
  readonly maxUsersCeiling: number;
  readonly maxHistoryLength: number;
  readonly maxNickLength: number;
  readonly maxBodyChars: number;
  readonly maxNameLength: number;
}

export const defaultRoomLimits: RoomLimits = {
  maxRoomsPerUser: 50,
  maxUsersCeiling: 500,
  maxHistoryLength: 200,
  maxNickLength: 64,
  maxBodyChars: 10_000,
  maxNameLength: 128,
};

/** Who is asking: the user, its bare address and the full address its copies go to. */
/** Unanswered invitations remembered for relaying declines (§7.8.2). */
const MAX_OPEN_INVITATIONS = 10_000;

export interface RoomActor {
  readonly userId: UserId;
  readonly bare: string;
  readonly full: string;
}

export interface Occupant {
  readonly nick: string;
  readonly actor: RoomActor;
  role: Role;
  show: string | undefined;
  status: string | undefined;
}

interface HistoryEntry {
  readonly nick: string;
  readonly from: string;
  readonly body: string;
  readonly stanzaId: string;
  readonly at: number;
}

export interface Room {
  readonly jid: string;
  config: RoomConfig;
  locked: boolean;
  subject: { text: string; nick: string } | null;
  readonly affiliations: Map<string, Affiliation>;
  /** §9.1/§9.3: the reason given with an affiliation, kept with it. */
  readonly affiliationReasons: Map<string, string>;
  readonly occupants: Map<string, Occupant>;
  readonly history: HistoryEntry[];
  readonly createdBy: UserId;
  readonly createdAt: number;
}

export interface RoomItem {
  readonly affiliation: Affiliation;
  readonly role: Role;
  /** The real JID, when the receiver may see it (§7.2.3, §7.2.4). */
  readonly jid?: string;
  readonly nick?: string;
  readonly reason?: string;
  readonly actor?: string;
}

export type RoomEffect =
  | {
      readonly kind: 'presence';
      readonly to: string;
      readonly from: string;
      readonly unavailable: boolean;
      readonly show?: string | undefined;
      readonly status?: string | undefined;
      readonly item: RoomItem;
      /** §15.6.2 status codes, e.g. 110 self, 201 created, 303 nick change, 307 kicked. */
      readonly codes: readonly number[];
      readonly destroyed?: { readonly reason?: string | undefined };
    }
  | {
      readonly kind: 'message';
      readonly to: string;
      readonly from: string;
      readonly type: 'groupchat' | 'chat' | 'normal';
      readonly body?: string | undefined;
      readonly subject?: string | undefined;
      readonly stanzaId?: string | undefined;
      readonly roomJid: string;
      /** XEP-0203 delay for history. */
      readonly delayedAt?: number | undefined;
      readonly codes?: readonly number[];
    }
  | {
      /** §7.8.2 mediated invitation: from the room, naming the inviter. */
      readonly kind: 'invite';
      readonly to: string;
      readonly roomJid: string;
      readonly inviter: string;
      readonly reason?: string | undefined;
      readonly password?: string | undefined;
    }
  | {
      /** §7.8.2 a declined invitation, relayed by the room to the inviter, naming the invitee. */
      readonly kind: 'decline';
      readonly to: string;
      readonly roomJid: string;
      readonly invitee: string;
      readonly reason?: string | undefined;
    };

export interface HistoryRequest {
  readonly maxchars?: number | undefined;
  readonly maxstanzas?: number | undefined;
  readonly seconds?: number | undefined;
  readonly since?: number | undefined;
}

export interface RoomServiceOptions {
  /** The MUC service's domain, e.g. conference.example.org. */
  readonly serviceDomain: string;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly limits?: Partial<RoomLimits>;
  readonly archiver?: RoomArchiver;
  /** Where persistent rooms are kept (XEP-0045 §10.1.3); without one rooms live in memory only. */
  readonly store?: RoomStore;
  /** A write to the store failed (the room stays as it is in memory). */
  readonly onStoreError?: (error: unknown, roomJid: string) => void;
}

/** A stored configuration checked field by field; null if it is not a room configuration. */
function configFromJson(json: Readonly<Record<string, unknown>>): RoomConfig | null {
  const out: Record<string, unknown> = {};
  for (const [field, fallback] of Object.entries(defaultRoomConfig)) {
    const value = json[field] ?? fallback;
    if (typeof value !== typeof fallback) return null;
    out[field] = value;
  }
  const config = out as unknown as RoomConfig;
  return config.whois === 'anyone' || config.whois === 'moderators' ? config : null;
}

const STORED_AFFILIATIONS = new Set<Affiliation>(['owner', 'admin', 'member', 'outcast']);

const ROOM_NAME = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export class RoomService {
  readonly serviceDomain: string;
  readonly limits: RoomLimits;
  readonly #rooms = new Map<string, Room>();
  readonly #clock: Clock;
  readonly #ids: IdSource;
  #archiver: RoomArchiver | undefined;
  readonly #store: RoomStore | undefined;
  #onStoreError: (error: unknown, roomJid: string) => void;
  /** Rooms that have a row in the store. */
  readonly #stored = new Set<string>();
  /** Store writes run one after another, in the order the changes happened. */
  #writes: Promise<void> = Promise.resolve();
  #writeFailed = false;

  constructor(options: RoomServiceOptions) {
    this.serviceDomain = options.serviceDomain;
    this.limits = { ...defaultRoomLimits, ...options.limits };
    this.#clock = options.clock;
    this.#ids = options.ids;
    this.#archiver = options.archiver;
    this.#store = options.store;
    this.#onStoreError = options.onStoreError ?? (() => undefined);
  }

  #write(roomJid: string, task: (store: RoomStore) => Promise<unknown>): void {
    const store = this.#store;
    if (!store) return;
    this.#writes = this.#writes.then(
      () => task(store).then(() => undefined),
      () => undefined,
    );
    this.#writes = this.#writes.catch((error: unknown) => {
      this.#writeFailed = true;
      this.#onStoreError(error, roomJid);
    });
  }

  /** Where failed store writes are reported (the server logs them). */
  setStoreErrorHandler(handler: (error: unknown, roomJid: string) => void): void {
    this.#onStoreError = handler;
  }

  /** Resolves when every change so far is in the store (the adapter awaits it before answering). */
  async flush(): Promise<void> {
    await this.#writes;
    if (this.#writeFailed) {
      this.#writeFailed = false;
      throw new RoomError('service-unavailable', 'the room could not be stored; try again');
    }
  }

  #record(room: Room): RoomRecord {
    const affiliations: RoomAffiliationRecord[] = [];
    for (const [jid, affiliation] of room.affiliations)
      if (affiliation !== 'none')
        affiliations.push({ jid, affiliation, reason: room.affiliationReasons.get(jid) ?? null });
    return {
      jid: room.jid,
      config: { ...room.config },
      subject: room.subject ? { ...room.subject } : null,
      createdBy: room.createdBy,
      createdAt: room.createdAt,
      affiliations,
    };
  }

  /**
   * Write-through: a persistent room (§10.1.3) is stored whole after every change of its
   * configuration, affiliations or subject; a temporary room never is, and one that was
   * persistent loses its row once it is empty (and with it, its archive).
   */
  #persist(room: Room): void {
    if (room.config.persistent && !room.locked) {
      this.#stored.add(room.jid);
      const record = this.#record(room);
      this.#write(room.jid, (store) => store.put(record));
    } else if (room.occupants.size === 0) this.#forget(room.jid);
    else if (this.#stored.has(room.jid)) {
      // Turned temporary while occupied: the row says so, and goes when the room empties (or,
      // should the server stop first, when it is loaded).
      const record = this.#record(room);
      this.#write(room.jid, (store) => store.put(record));
    }
  }

  #forget(roomJid: string): void {
    if (this.#stored.delete(roomJid)) this.#write(roomJid, (store) => store.delete(roomJid));
    else if (this.#archiver) this.#write(roomJid, (store) => store.deleteMessages(roomJid));
  }

  /**
   * Loads the stored persistent rooms at start: unlocked, without occupants, their history the
   * newest archived messages. A row whose configuration does not validate is skipped and named.
   */
  async load(): Promise<{ loaded: number; skipped: string[] }> {
    const store = this.#store;
    if (!store) return { loaded: 0, skipped: [] };
    const skipped: string[] = [];
    let loaded = 0;
    for (const record of await store.list()) {
      const jid = record.jid.toLowerCase();
      let config = configFromJson(record.config);
      try {
        if (config) config = this.validateConfig(config);
      } catch {
        config = null;
      }
      if (config && !config.persistent) {
        // A room turned temporary that had occupants when the server stopped: empty now, so gone.
        await store.delete(jid);
        continue;
      }
      const owners = record.affiliations.filter((a) => a.affiliation === 'owner');
      if (!config || owners.length === 0 || !jid.endsWith(`@${this.serviceDomain}`)) {
        skipped.push(jid);
        continue;
      }
      const room: Room = {
        jid,
        config,
        locked: false,
        subject: record.subject ? { ...record.subject } : null,
        affiliations: new Map(),
        affiliationReasons: new Map(),
        occupants: new Map(),
        history: [],
        createdBy: record.createdBy,
        createdAt: record.createdAt,
      };
      for (const a of record.affiliations) {
        if (!STORED_AFFILIATIONS.has(a.affiliation)) continue;
        room.affiliations.set(a.jid, a.affiliation);
        if (a.reason !== null) room.affiliationReasons.set(a.jid, a.reason);
      }
      if (config.historyLength > 0) {
        const newest = await store.listMessages(jid, {}, { order: 'desc', limit: config.historyLength });
        for (const m of newest.reverse())
          if (m.body !== null)
            room.history.push({
              nick: m.nick,
              from: `${jid}/${m.nick}`,
              body: m.body,
              stanzaId: m.id,
              at: m.at,
            });
      }
      this.#rooms.set(jid, room);
      this.#stored.add(jid);
      loaded++;
    }
    return { loaded, skipped };
  }

  /**
   * XEP-0313 §5 "Querying a MUC archive": a page of the room's archive for a requester who may
   * read it (mayReadArchive); item-not-found for no room, forbidden otherwise.
   */
  async archivePage(input: {
    roomJid: string;
    bare: string;
    full: string;
    filter: ArchiveFilter;
    page: PageRequest;
  }): Promise<RoomArchivePage> {
    const room = this.room(input.roomJid);
    if (!room || room.locked) throw new RoomError('item-not-found', 'no such room');
    if (!this.mayReadArchive(room, input.bare, input.full))
      throw new RoomError(
        'forbidden',
        'only occupants (or members of a members-only room) may read its archive',
      );
    const query = this.#archiver?.query?.bind(this.#archiver);
    if (!query) throw new RoomError('service-unavailable', 'this room has no archive');
    return query(room.jid, input.filter, input.page);
  }

  /**
   * XEP-0313 §5: who may query a room's archive — an occupant, or in a members-only room a
   * member (owners and admins included); never an outcast.
   */
  mayReadArchive(room: Room, bare: string, full: string): boolean {
    const affiliation = this.affiliationOf(room, bare);
    if (affiliation === 'outcast') return false;
    if (this.occupantByFull(room, full)) return true;
    return room.config.membersOnly && affiliation !== 'none';
  }

  readonly #sinks = new Set<(effects: readonly RoomEffect[]) => void>();
  /**
   * Invitations not yet answered, `room\ninvitee` → inviters: a decline is relayed only to
   * someone who invited (the room is no relay for anyone's messages). Bounded; oldest go first.
   */
  readonly #invitations = new BoundedMap<string, Set<string>>(MAX_OPEN_INVITATIONS);

  /**
   * Where effects of requests that did not come from a protocol adapter (the HTTP API's
   * escalate) are carried out: the XMPP module registers one.
   */
  deliverWith(sink: (effects: readonly RoomEffect[]) => void): () => void {
    this.#sinks.add(sink);
    return () => this.#sinks.delete(sink);
  }

  publish(effects: readonly RoomEffect[]): void {
    for (const sink of this.#sinks) sink(effects);
  }

  /** Lets the archive record every groupchat message (the MAM module plugs in here). */
  setArchiver(archiver: RoomArchiver | undefined): void {
    this.#archiver = archiver;
  }

  room(jid: string): Room | undefined {
    return this.#rooms.get(jid.toLowerCase());
  }

  /** §6.3: rooms listed by disco#items: public and unlocked ones. */
  publicRooms(): Room[] {
    return [...this.#rooms.values()].filter((r) => r.config.publicRoom && !r.locked);
  }

  /** The rooms a user is an occupant of or has an affiliation with. */
  roomsOf(bare: string): Room[] {
    return [...this.#rooms.values()].filter(
      (r) =>
        (r.affiliations.get(bare) ?? 'none') !== 'none' ||
        [...r.occupants.values()].some((o) => o.actor.bare === bare),
    );
  }

  affiliationOf(room: Room, bare: string): Affiliation {
    return room.affiliations.get(bare) ?? 'none';
  }

  occupantByFull(room: Room, full: string): Occupant | undefined {
    for (const o of room.occupants.values()) if (o.actor.full === full) return o;
    return undefined;
  }

  #occupantJid(room: Room, nick: string): string {
    return `${room.jid}/${nick}`;
  }

  #itemFor(room: Room, o: Occupant, viewer: Occupant | undefined): RoomItem {
    const seesJid = room.config.whois === 'anyone' || viewer?.role === 'moderator' || viewer === o;
    return {
      affiliation: this.affiliationOf(room, o.actor.bare),
      role: o.role,
      ...(seesJid ? { jid: o.actor.full } : {}),
    };
  }

  #countCreated(userId: UserId): number {
    let n = 0;
    for (const r of this.#rooms.values()) if (r.createdBy === userId) n++;
    return n;
  }

  #newRoom(jid: string, owner: RoomActor, config: RoomConfig, locked: boolean): Room {
    const local = jid.slice(0, jid.indexOf('@'));
    if (!ROOM_NAME.test(local) || jid.slice(jid.indexOf('@') + 1) !== this.serviceDomain)
      throw new RoomError('jid-malformed', `${jid} is not a valid room address`);
    if (this.#countCreated(owner.userId) >= this.limits.maxRoomsPerUser)
      throw new RoomError('resource-constraint', `at most ${this.limits.maxRoomsPerUser} rooms per user`);
    const room: Room = {
      jid,
      config,
      locked,
      subject: null,
      affiliations: new Map([[owner.bare, 'owner']]),
      affiliationReasons: new Map(),
      occupants: new Map(),
      history: [],
      createdBy: owner.userId,
      createdAt: this.#clock.now(),
    };
    this.#rooms.set(jid, room);
    return room;
  }

  /**
   * §7.2 entering a room; §10.1.1 creating one when it does not exist (the creator is its owner,
   * the room is locked until configured and the self-presence carries 201).
   */
  join(input: {
    roomJid: string;
    nick: string;
    actor: RoomActor;
    password?: string | undefined;
    history?: HistoryRequest | undefined;
    show?: string | undefined;
    status?: string | undefined;
  }): RoomEffect[] {
    const roomJid = input.roomJid.toLowerCase();
    const nick = input.nick.trim();
    // §7.2.1: a nick is required; Herald limits its length.
    if (nick.length === 0 || [...nick].length > this.limits.maxNickLength)
      throw new RoomError('jid-malformed', `a nickname of 1 to ${this.limits.maxNickLength} characters`);
    let room = this.room(roomJid);
    let created = false;
    if (!room) {
      room = this.#newRoom(roomJid, input.actor, { ...defaultRoomConfig }, true);
      created = true;
    }
    const existing = this.occupantByFull(room, input.actor.full);
    if (existing) return this.#changeNickOrStatus(room, existing, nick, input.show, input.status);
    const affiliation = this.affiliationOf(room, input.actor.bare);
    // §10.1.1: a locked room admits only its owner.
    if (room.locked && affiliation !== 'owner') throw new RoomError('item-not-found', 'the room is locked');
    const refusal = entryRefusal(affiliation, room.config.membersOnly);
    if (refusal) throw new RoomError(refusal, refusal === 'forbidden' ? 'you are banned' : 'members only');
    // §7.2.6: password-protected rooms, owners and admins included.
    if (room.config.password !== '' && input.password !== room.config.password)
      throw new RoomError('not-authorized', 'a password is required');
    // §7.2.9: a nick in use by another user is a conflict.
    const holder = room.occupants.get(nick.toLowerCase());
    if (holder && holder.actor.bare !== input.actor.bare)
      throw new RoomError('conflict', 'that nickname is in use');
    if (holder) throw new RoomError('conflict', 'that nickname is in use by your other resource');
    // §7.2.10: max users (owners and admins may still enter).
    if (room.occupants.size >= room.config.maxUsers && affiliation !== 'owner' && affiliation !== 'admin')
      throw new RoomError('service-unavailable', 'the room is full');
    const role = defaultRole(affiliation, room.config.moderated) ?? 'none';
    const occupant: Occupant = { nick, actor: input.actor, role, show: input.show, status: input.status };
    room.occupants.set(nick.toLowerCase(), occupant);
    const effects: RoomEffect[] = [];
    // §7.2.3: existing occupants' presence to the newcomer first, then the newcomer's to all.
    for (const other of room.occupants.values()) {
      if (other === occupant) continue;
      effects.push(this.#presence(room, other, occupant, []));
    }
    for (const other of room.occupants.values()) {
      if (other === occupant) continue;
      effects.push(this.#presence(room, occupant, other, []));
    }
    const selfCodes = [110];
    if (room.config.whois === 'anyone') selfCodes.push(100); // §7.2.4
    if (created) selfCodes.push(201);
    effects.push(this.#presence(room, occupant, occupant, selfCodes));
    // §7.2.15 history, then §7.2.16 the subject (always, empty when none).
    effects.push(...this.#history(room, occupant, input.history));
    effects.push({
      kind: 'message',
      to: occupant.actor.full,
      from: room.subject ? this.#occupantJid(room, room.subject.nick) : room.jid,
      type: 'groupchat',
      subject: room.subject?.text ?? '',
      roomJid: room.jid,
    });
    return effects;
  }

  #presence(room: Room, about: Occupant, to: Occupant, codes: number[]): RoomEffect {
    return {
      kind: 'presence',
      to: to.actor.full,
      from: this.#occupantJid(room, about.nick),
      unavailable: false,
      show: about.show,
      status: about.status,
      item: this.#itemFor(room, about, to),
      codes,
    };
  }

  #history(room: Room, occupant: Occupant, request: HistoryRequest | undefined): RoomEffect[] {
    const now = this.#clock.now();
    let entries = room.history;
    if (request?.seconds !== undefined)
      entries = entries.filter((e) => e.at >= now - request.seconds! * 1000);
    if (request?.since !== undefined) entries = entries.filter((e) => e.at >= request.since!);
    if (request?.maxstanzas !== undefined)
      entries = entries.slice(Math.max(0, entries.length - request.maxstanzas));
    if (request?.maxchars !== undefined) {
      // §7.2.15: maxchars counts the XML characters; Herald counts body characters, newest first.
      let budget = request.maxchars;
      const kept: HistoryEntry[] = [];
      for (let i = entries.length - 1; i >= 0; i--) {
        const entry = entries[i]!;
        budget -= entry.body.length;
        if (budget < 0) break;
        kept.unshift(entry);
      }
      entries = kept;
    }
    return entries.map((e) => ({
      kind: 'message' as const,
      to: occupant.actor.full,
      from: e.from,
      type: 'groupchat' as const,
      body: e.body,
      stanzaId: e.stanzaId,
      roomJid: room.jid,
      delayedAt: e.at,
    }));
  }

  #changeNickOrStatus(
    room: Room,
    occupant: Occupant,
    nick: string,
    show: string | undefined,
    status: string | undefined,
  ): RoomEffect[] {
    occupant.show = show;
    occupant.status = status;
    if (nick.toLowerCase() === occupant.nick.toLowerCase() && nick === occupant.nick)
      return [...room.occupants.values()].map((o) =>
        this.#presence(room, occupant, o, o === occupant ? [110] : []),
      );
    // §7.6 changing nickname.
    if (!room.config.allowNickChange && this.affiliationOf(room, occupant.actor.bare) !== 'owner')
      throw new RoomError('not-acceptable', 'nickname changes are not allowed here');
    if ([...nick].length > this.limits.maxNickLength)
      throw new RoomError('jid-malformed', 'nickname too long');
    const holder = room.occupants.get(nick.toLowerCase());
    if (holder && holder !== occupant) throw new RoomError('conflict', 'that nickname is in use');
    const effects: RoomEffect[] = [];
    for (const o of room.occupants.values())
      effects.push({
        kind: 'presence',
        to: o.actor.full,
        from: this.#occupantJid(room, occupant.nick),
        unavailable: true,
        item: { ...this.#itemFor(room, occupant, o), nick },
        codes: o === occupant ? [303, 110] : [303],
      });
    room.occupants.delete(occupant.nick.toLowerCase());
    const renamed: Occupant = { ...occupant, nick };
    room.occupants.set(nick.toLowerCase(), renamed);
    for (const o of room.occupants.values())
      effects.push(this.#presence(room, renamed, o, o === renamed ? [110] : []));
    return effects;
  }

  /** §7.14 exiting a room (also when the user's session ends); a temporary room empties away. */
  leave(roomJid: string, full: string, status?: string): RoomEffect[] {
    const room = this.room(roomJid);
    const occupant = room && this.occupantByFull(room, full);
    if (!room || !occupant) return [];
    const effects: RoomEffect[] = [];
    for (const o of room.occupants.values())
      effects.push({
        kind: 'presence',
        to: o.actor.full,
        from: this.#occupantJid(room, occupant.nick),
        unavailable: true,
        status,
        item: { ...this.#itemFor(room, occupant, o), role: 'none' },
        codes: o === occupant ? [110] : [],
      });
    room.occupants.delete(occupant.nick.toLowerCase());
    // §10.1.1 (temporary rooms): destroyed when the last occupant leaves.
    if (room.occupants.size === 0 && !room.config.persistent) {
      this.#rooms.delete(room.jid);
      this.#forget(room.jid);
    }
    return effects;
  }

  /** Every room this full address occupies, left (the session ended). */
  leaveAll(full: string): RoomEffect[] {
    const effects: RoomEffect[] = [];
    for (const room of [...this.#rooms.values()])
      if (this.occupantByFull(room, full)) effects.push(...this.leave(room.jid, full));
    return effects;
  }

  #requireOccupant(roomJid: string, full: string): { room: Room; occupant: Occupant } {
    const room = this.room(roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    const occupant = this.occupantByFull(room, full);
    // §7.4: a non-occupant may not send to all occupants.
    if (!occupant) throw new RoomError('not-acceptable', 'you are not in this room');
    return { room, occupant };
  }

  /**
   * §7.4 sending a message to all occupants (archived once, §XEP-0359 stanza-id in every copy)
   * and §8.1 changing the subject.
   */
  async groupchat(input: {
    roomJid: string;
    full: string;
    body?: string | undefined;
    subject?: string | undefined;
    stanza: string;
  }): Promise<RoomEffect[]> {
    const { room, occupant } = this.#requireOccupant(input.roomJid, input.full);
    const from = this.#occupantJid(room, occupant.nick);
    if (input.subject !== undefined && input.body === undefined) {
      if (!maySetSubject(occupant.role, room.config.changeSubject))
        throw new RoomError('forbidden', 'you may not change the subject');
      room.subject = { text: input.subject, nick: occupant.nick };
      this.#persist(room);
      return [...room.occupants.values()].map((o) => ({
        kind: 'message' as const,
        to: o.actor.full,
        from,
        type: 'groupchat' as const,
        subject: input.subject,
        roomJid: room.jid,
      }));
    }
    if (!mayTalk(occupant.role))
      throw new RoomError('forbidden', 'visitors may not speak in a moderated room');
    const body = input.body ?? '';
    if (body.length > this.limits.maxBodyChars)
      throw new RoomError('policy-violation', `messages of at most ${this.limits.maxBodyChars} characters`);
    const at = this.#clock.now();
    const stanzaId = this.#archiver
      ? (
          await this.#archiver.archive({
            roomJid: room.jid,
            nick: occupant.nick,
            senderUserId: occupant.actor.userId,
            senderBare: occupant.actor.bare,
            body: input.body ?? null,
            stanza: input.stanza,
            at,
            recipients: [...new Set([...room.occupants.values()].map((o) => o.actor.bare))],
          })
        ).id
      : this.#ids.next();
    if (room.config.historyLength > 0 && input.body !== undefined) {
      room.history.push({ nick: occupant.nick, from, body, stanzaId, at });
      while (room.history.length > room.config.historyLength) room.history.shift();
    }
    return [...room.occupants.values()].map((o) => ({
      kind: 'message' as const,
      to: o.actor.full,
      from,
      type: 'groupchat' as const,
      body: input.body,
      subject: input.subject,
      stanzaId,
      roomJid: room.jid,
    }));
  }

  /** §7.5 a private message to one occupant, by nick; the addressee's every resource in the room. */
  privateMessage(input: { roomJid: string; full: string; toNick: string; body: string }): RoomEffect[] {
    const { room, occupant } = this.#requireOccupant(input.roomJid, input.full);
    const target = room.occupants.get(input.toNick.toLowerCase());
    if (!target) throw new RoomError('item-not-found', 'no such occupant');
    if (input.body.length > this.limits.maxBodyChars)
      throw new RoomError('policy-violation', 'message too long');
    return [
      {
        kind: 'message',
        to: target.actor.full,
        from: this.#occupantJid(room, occupant.nick),
        type: 'chat',
        body: input.body,
        roomJid: room.jid,
      },
    ];
  }

  /** §7.8.2 a mediated invitation; in a members-only room the invitee becomes a member (§7.8.2). */
  invite(input: {
    roomJid: string;
    actor: RoomActor;
    invitee: string;
    reason?: string | undefined;
  }): RoomEffect[] {
    const room = this.room(input.roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    const occupant = this.occupantByFull(room, input.actor.full);
    const affiliation = this.affiliationOf(room, input.actor.bare);
    const role: Role =
      occupant?.role ?? (affiliation === 'owner' || affiliation === 'admin' ? 'moderator' : 'none');
    if (!mayInvite(affiliation, role, room.config.membersOnly, room.config.allowInvites))
      throw new RoomError('forbidden', 'you may not invite to this room');
    if (this.affiliationOf(room, input.invitee) === 'outcast')
      throw new RoomError('forbidden', 'that user is banned');
    if (room.config.membersOnly && this.affiliationOf(room, input.invitee) === 'none') {
      room.affiliations.set(input.invitee, 'member');
      this.#persist(room);
    }
    this.#noteInvitation(room.jid, input.invitee, input.actor.bare);
    return [
      {
        kind: 'invite',
        to: input.invitee,
        roomJid: room.jid,
        inviter: input.actor.bare,
        reason: input.reason,
        password: room.config.password || undefined,
      },
    ];
  }

  /**
   * §7.8.2: the invitee declines; the room tells the inviter, naming the invitee. Nothing when
   * `to` never invited them to this room (or it was answered already).
   */
  decline(input: {
    roomJid: string;
    invitee: string;
    to: string;
    reason?: string | undefined;
  }): RoomEffect[] {
    const room = this.room(input.roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    const key = `${room.jid}\n${input.invitee.toLowerCase()}`;
    const inviters = this.#invitations.get(key);
    const inviter = input.to.toLowerCase();
    if (!inviters?.has(inviter)) return [];
    inviters.delete(inviter);
    if (inviters.size === 0) this.#invitations.delete(key);
    return [
      { kind: 'decline', to: inviter, roomJid: room.jid, invitee: input.invitee, reason: input.reason },
    ];
  }

  #noteInvitation(roomJid: string, invitee: string, inviter: string): void {
    const key = `${roomJid}\n${invitee.toLowerCase()}`;
    const inviters = this.#invitations.get(key) ?? new Set<string>();
    inviters.add(inviter.toLowerCase());
    this.#invitations.renew(key, inviters);
  }

  /** §8.2 kick, §8.3/§8.4 voice, §9.6/§9.7 moderator: a role change by nick. */
  setRole(input: {
    roomJid: string;
    full: string;
    nick: string;
    role: Role;
    reason?: string | undefined;
  }): RoomEffect[] {
    const { room, occupant: actor } = this.#requireOccupant(input.roomJid, input.full);
    const target = room.occupants.get(input.nick.toLowerCase());
    if (!target) throw new RoomError('item-not-found', 'no such occupant');
    const refusal = roleChangeRefusal(
      { affiliation: this.affiliationOf(room, actor.actor.bare), role: actor.role },
      { affiliation: this.affiliationOf(room, target.actor.bare), role: target.role },
      input.role,
    );
    if (refusal) throw new RoomError(refusal, 'you may not change that role');
    if (input.role === 'none') return this.#remove(room, target, 307, input.reason, actor.nick);
    target.role = input.role;
    return [...room.occupants.values()].map((o) =>
      this.#presence(room, target, o, o === target ? [110] : []),
    );
  }

  #remove(
    room: Room,
    target: Occupant,
    code: 301 | 307 | 321 | 322,
    reason: string | undefined,
    by: string,
  ): RoomEffect[] {
    const effects: RoomEffect[] = [];
    for (const o of room.occupants.values())
      effects.push({
        kind: 'presence',
        to: o.actor.full,
        from: this.#occupantJid(room, target.nick),
        unavailable: true,
        item: { ...this.#itemFor(room, target, o), role: 'none', ...(reason ? { reason } : {}), actor: by },
        codes: o === target ? [110, code] : [code],
      });
    room.occupants.delete(target.nick.toLowerCase());
    return effects;
  }

  /** §9.1 ban, §9.3 members, §10.3/§10.6 owners and admins: an affiliation change by bare JID. */
  setAffiliation(input: {
    roomJid: string;
    actor: RoomActor;
    jid: string;
    affiliation: Affiliation;
    reason?: string | undefined;
  }): RoomEffect[] {
    const room = this.room(input.roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    const actorAff = this.affiliationOf(room, input.actor.bare);
    const targetAff = this.affiliationOf(room, input.jid);
    const refusal = affiliationChangeRefusal(actorAff, targetAff, input.affiliation);
    if (refusal) throw new RoomError(refusal, 'you may not change that affiliation');
    // §10.6/§10.9: a room always keeps an owner.
    if (targetAff === 'owner' && input.affiliation !== 'owner') {
      const owners = [...room.affiliations.values()].filter((a) => a === 'owner').length;
      if (owners <= 1) throw new RoomError('conflict', 'the room needs an owner');
    }
    if (input.affiliation === 'none') room.affiliations.delete(input.jid);
    else room.affiliations.set(input.jid, input.affiliation);
    if (input.affiliation !== 'none' && input.reason) room.affiliationReasons.set(input.jid, input.reason);
    else room.affiliationReasons.delete(input.jid);
    this.#persist(room);
    const by = this.occupantByFull(room, input.actor.full)?.nick ?? input.actor.bare;
    const effects: RoomEffect[] = [];
    for (const target of [...room.occupants.values()]) {
      if (target.actor.bare !== input.jid) continue;
      const role = roleAfterAffiliation(input.affiliation, room.config.moderated, room.config.membersOnly);
      if (input.affiliation === 'outcast') effects.push(...this.#remove(room, target, 301, input.reason, by));
      else if (role === 'none') effects.push(...this.#remove(room, target, 321, input.reason, by));
      else {
        target.role = role;
        for (const o of room.occupants.values())
          effects.push(this.#presence(room, target, o, o === target ? [110] : []));
      }
    }
    return effects;
  }

  /** §9.5/§9.8/§10.5 the list of users with an affiliation (admins and owners ask). */
  affiliationList(
    roomJid: string,
    asker: string,
    affiliation: Affiliation,
  ): { jid: string; affiliation: Affiliation }[] {
    const room = this.room(roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    const actor = this.affiliationOf(room, asker);
    if (actor !== 'owner' && actor !== 'admin') throw new RoomError('forbidden', 'admins and owners only');
    return [...room.affiliations]
      .filter(([, a]) => a === affiliation)
      .map(([jid, a]) => ({ jid, affiliation: a }));
  }

  /** §10.2 configuration: owners only; a submitted form unlocks the room (§10.1.2 instant, §10.1.3 reserved). */
  configure(roomJid: string, asker: string, changes: Partial<RoomConfig>): void {
    const room = this.room(roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    if (this.affiliationOf(room, asker) !== 'owner') throw new RoomError('forbidden', 'owners only');
    room.config = this.validateConfig({ ...room.config, ...changes });
    while (room.history.length > room.config.historyLength) room.history.shift();
    room.locked = false;
    this.#persist(room);
  }

  validateConfig(config: RoomConfig): RoomConfig {
    if (
      !Number.isInteger(config.maxUsers) ||
      config.maxUsers < 1 ||
      config.maxUsers > this.limits.maxUsersCeiling
    )
      throw new RoomError('not-acceptable', `max users is 1 to ${this.limits.maxUsersCeiling}`);
    if (
      !Number.isInteger(config.historyLength) ||
      config.historyLength < 0 ||
      config.historyLength > this.limits.maxHistoryLength
    )
      throw new RoomError('not-acceptable', `history length is 0 to ${this.limits.maxHistoryLength}`);
    if (config.name.length > this.limits.maxNameLength || config.description.length > 1000)
      throw new RoomError('not-acceptable', 'the name or description is too long');
    if (config.password.length > 256) throw new RoomError('not-acceptable', 'the password is too long');
    return config;
  }

  /** §10.9 destroying a room: every occupant gets unavailable presence with <destroy/>. */
  destroy(roomJid: string, asker: string, reason?: string): RoomEffect[] {
    const room = this.room(roomJid);
    if (!room) throw new RoomError('item-not-found', 'no such room');
    if (this.affiliationOf(room, asker) !== 'owner') throw new RoomError('forbidden', 'owners only');
    this.#rooms.delete(room.jid);
    this.#forget(room.jid);
    return [...room.occupants.values()].map((o) => ({
      kind: 'presence' as const,
      to: o.actor.full,
      from: this.#occupantJid(room, o.nick),
      unavailable: true,
      item: { affiliation: 'none' as const, role: 'none' as const },
      codes: [110],
      destroyed: { reason },
    }));
  }

  /**
   * SPEC "multiple users participating in this chat": a members-only room owned by `owner`, with
   * the 1:1 peer and the invitees as members and a mediated invitation to each.
   */
  escalate(input: {
    owner: RoomActor;
    peers: readonly string[];
    name?: string | undefined;
    persistent?: boolean | undefined;
  }): { roomJid: string; effects: RoomEffect[] } {
    const peers = [...new Set(input.peers.map((p) => p.toLowerCase()))].filter((p) => p !== input.owner.bare);
    if (peers.length === 0) throw new RoomError('bad-request', 'name at least one other participant');
    if (peers.length > this.limits.maxUsersCeiling - 1)
      throw new RoomError('not-acceptable', 'too many participants');
    const roomJid = `chat-${this.#ids
      .next()
      .toLowerCase()
      .replace(/[^a-z0-9]/g, '')
      .slice(0, 24)}@${this.serviceDomain}`;
    const config = this.validateConfig({
      ...defaultRoomConfig,
      name: input.name ?? '',
      membersOnly: true,
      publicRoom: false,
      persistent: input.persistent ?? false,
      maxUsers: Math.max(defaultRoomConfig.maxUsers, peers.length + 1),
    });
    const room = this.#newRoom(roomJid, input.owner, config, false);
    const effects: RoomEffect[] = [];
    for (const peer of peers) {
      room.affiliations.set(peer, 'member');
      this.#noteInvitation(roomJid, peer, input.owner.bare);
      effects.push({ kind: 'invite', to: peer, roomJid, inviter: input.owner.bare, reason: input.name });
    }
    this.#persist(room);
    return { roomJid, effects };
  }
}
