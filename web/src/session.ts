/**
 * One signed-in user: the XMPP connection (RFC 7395 WebSocket, SCRAM-SHA-256, XEP-0198 resumption)
 * and the REST token, folded into an immutable state the React views subscribe to.
 */
import { client, type XmlElement, type XmppJsClient, xml } from '@xmpp/client';
import { api, type ManualAvailability } from './api.js';
import { OFFLINE, type Presence, parsePresence, rank } from './presence.js';
import { MissingPasswordError, type ScramKeys, ScramSha256 } from './xmpp/scram.js';

const NS_ROSTER = 'jabber:iq:roster';
const NS_CHATSTATES = 'http://jabber.org/protocol/chatstates';
const NS_RECEIPTS = 'urn:xmpp:receipts';
const NS_CORRECT = 'urn:xmpp:message-correct:0';
const NS_CARBONS = 'urn:xmpp:carbons:2';
const NS_FORWARD = 'urn:xmpp:forward:0';
const NS_DELAY = 'urn:xmpp:delay';
const NS_BLOCKING = 'urn:xmpp:blocking';
const NS_DISCO = 'http://jabber.org/protocol/disco#info';
const NS_MAM = 'urn:xmpp:mam:2';
const NS_RSM = 'http://jabber.org/protocol/rsm';
const NS_DATA = 'jabber:x:data';
const NS_MUC = 'http://jabber.org/protocol/muc';
const NS_MUC_USER = 'http://jabber.org/protocol/muc#user';
const NS_CONFERENCE = 'jabber:x:conference';
const NS_STANZA_ID = 'urn:xmpp:sid:0';

export type Connection = 'connecting' | 'online' | 'reconnecting' | 'offline';

export interface Contact {
  readonly jid: string;
  readonly name: string;
  readonly groups: readonly string[];
  readonly subscription: string;
  readonly pending: boolean;
  /** The most available of its resources' presences (RFC 6121 §4.4: one per resource). */
  readonly presence: Presence;
  readonly resources: ReadonlyMap<string, Presence>;
}

export interface Message {
  readonly id: string;
  readonly mine: boolean;
  readonly body: string;
  readonly at: number;
  /** sent → delivered (XEP-0184 receipt); received for theirs. */
  readonly state: 'sent' | 'delivered' | 'received';
  readonly corrected: boolean;
  readonly delayed: boolean;
}

export interface Conversation {
  readonly jid: string;
  readonly messages: readonly Message[];
  readonly unread: number;
  readonly typing: boolean;
  /** XEP-0313 paging: the oldest archive id seen (RSM <first/>), and whether the start is reached. */
  readonly history: { readonly before: string; readonly complete: boolean; readonly loading: boolean } | null;
}

export interface Occupant {
  readonly nick: string;
  /** The occupant's real bare JID when the room shows it (non-anonymous rooms, or to moderators). */
  readonly jid: string | null;
  readonly role: string;
  readonly affiliation: string;
}

export interface RoomMessage {
  readonly id: string;
  readonly nick: string;
  readonly mine: boolean;
  readonly body: string;
  readonly at: number;
  /** Discussion history sent on joining (XEP-0045 §7.2.15, with an XEP-0203 delay). */
  readonly history: boolean;
}

/** A XEP-0045 room we are in, joining, or a member of. */
export interface Room {
  readonly jid: string;
  readonly name: string;
  readonly nick: string;
  readonly status: 'joining' | 'joined' | 'left' | 'error';
  readonly error: string | null;
  readonly occupants: ReadonlyMap<string, Occupant>;
  readonly messages: readonly RoomMessage[];
  readonly unread: number;
  readonly subject: string;
}

/** An invitation to a room: XEP-0045 §7.8.2 (mediated) or XEP-0249 (direct). */
export interface Invitation {
  readonly room: string;
  /** The room's name from its disco#info identity (XEP-0045 §6.4), once known. */
  readonly name: string | null;
  readonly from: string;
  readonly reason: string | null;
  readonly password: string | null;
}

export interface State {
  readonly connection: Connection;
  readonly notice: string | null;
  readonly me: { jid: string; username: string; displayName: string };
  readonly myPresence: Presence;
  readonly contacts: ReadonlyMap<string, Contact>;
  readonly requests: readonly string[];
  readonly conversations: ReadonlyMap<string, Conversation>;
  readonly blocked: ReadonlySet<string>;
  readonly features: { readonly mam: boolean; readonly muc: string | null; readonly carbons: boolean };
  readonly active: string | null;
  readonly rooms: ReadonlyMap<string, Room>;
  readonly invitations: readonly Invitation[];
}

export interface Saved {
  readonly username: string;
  readonly displayName: string;
  readonly jid: string;
  readonly token: string;
  readonly keys: ScramKeys | null;
}

const bare = (jid: string | undefined): string => (jid ?? '').split('/')[0]!.toLowerCase();

export class SignInError extends Error {
  constructor(
    readonly kind: 'credentials' | 'unreachable' | 'other',
    message: string,
  ) {
    super(message);
  }
}

export class Session {
  #state: State;
  readonly #listeners = new Set<() => void>();
  readonly #xmpp: XmppJsClient;
  #token: string;
  #keys: ScramKeys | null;
  #delay = 1000;
  #stopped = false;
  readonly onSaved: (saved: Saved) => void;
  /** Called for an incoming message while the tab is hidden (desktop notification + sound). */
  onAlert: (from: string, body: string) => void = () => {};

  private constructor(saved: Saved, password: string | null, onSaved: (saved: Saved) => void) {
    this.#token = saved.token;
    this.#keys = saved.keys;
    this.onSaved = onSaved;
    this.#state = {
      connection: 'connecting',
      notice: null,
      me: { jid: saved.jid, username: saved.username, displayName: saved.displayName },
      myPresence: OFFLINE,
      contacts: new Map(),
      requests: [],
      conversations: new Map(),
      blocked: new Set(),
      features: { mam: false, muc: null, carbons: false },
      active: null,
      rooms: new Map(),
      invitations: [],
    };
    const domain = saved.jid.split('@')[1] ?? location.hostname;
    const service = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/xmpp-websocket`;
    this.#xmpp = client({
      service,
      domain,
      resource: `web-${crypto.randomUUID().slice(0, 8)}`,
      credentials: async (authenticate, mechanisms) => {
        if (!mechanisms.includes(ScramSha256.mechanismName))
          throw new Error('the server offers no SCRAM-SHA-256');
        await authenticate(
          {
            username: saved.username,
            password,
            keys: this.#keys,
            onKeys: (keys: ScramKeys) => {
              this.#keys = keys;
              this.#save();
            },
          },
          ScramSha256.mechanismName,
        );
      },
    });
    this.#xmpp.saslFactory.use(ScramSha256.mechanismName, ScramSha256);
    this.#wire();
  }

  /** Signs in with a password: REST token first (clear errors), then XMPP. */
  static async signIn(username: string, password: string, onSaved: (s: Saved) => void): Promise<Session> {
    let token: string;
    let displayName: string;
    try {
      const reply = await api.signIn(username.trim().toLowerCase(), password);
      token = reply.token;
      displayName = reply.user.displayName;
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 401 || e.status === 400)
        throw new SignInError('credentials', 'Wrong username or password.');
      if (e.status === 429)
        throw new SignInError('credentials', 'Too many attempts. Wait a minute and try again.');
      if (e.status === 0) throw new SignInError('unreachable', e.message ?? 'The server cannot be reached.');
      throw new SignInError('other', e.message ?? 'Sign-in failed.');
    }
    const me = await api.myPresence(token);
    const saved: Saved = { username: me.user, displayName, jid: me.jid, token, keys: null };
    const session = new Session(saved, password, onSaved);
    await session.#start();
    return session;
  }

  /** Resumes a remembered session: the REST token and the SCRAM keys, no password. */
  static async resume(saved: Saved, onSaved: (s: Saved) => void): Promise<Session> {
    try {
      await api.myPresence(saved.token);
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 0) throw new SignInError('unreachable', e.message ?? 'The server cannot be reached.');
      throw new SignInError('credentials', 'Your session has expired. Sign in again.');
    }
    const session = new Session(saved, null, onSaved);
    await session.#start();
    return session;
  }

  get state(): State {
    return this.#state;
  }
  get token(): string {
    return this.#token;
  }
  subscribe = (listener: () => void): (() => void) => {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  };
  getState = (): State => this.#state;

  #set(change: Partial<State>): void {
    this.#state = { ...this.#state, ...change };
    for (const l of this.#listeners) l();
  }

  #save(): void {
    const { me } = this.#state;
    this.onSaved({
      username: me.username,
      displayName: me.displayName,
      jid: me.jid,
      token: this.#token,
      keys: this.#keys,
    });
  }

  async #start(): Promise<void> {
    try {
      await this.#xmpp.start();
    } catch (error) {
      this.#stopped = true;
      this.#xmpp.reconnect.stop();
      await this.#xmpp.stop().catch(() => {});
      if (error instanceof MissingPasswordError) throw new SignInError('credentials', error.message);
      const condition = (error as { condition?: string }).condition;
      if (condition === 'not-authorized') throw new SignInError('credentials', 'Wrong username or password.');
      throw new SignInError('unreachable', 'The chat service cannot be reached. Try again in a moment.');
    }
  }

  #wire(): void {
    const x = this.#xmpp;
    x.on('error', () => {});
    x.on('status', (status) => {
      if (this.#stopped) return;
      if (status === 'disconnect' || status === 'offline') {
        this.#set({
          connection: 'reconnecting',
          notice: `Connection lost. Reconnecting in ${Math.round(this.#delay / 1000)} s…`,
        });
      }
    });
    // Exponential backoff with jitter, reset when online (the reconnect module reads .delay).
    x.reconnect.on('reconnecting', () => {
      this.#set({ connection: 'reconnecting', notice: 'Reconnecting…' });
      this.#delay = Math.min(this.#delay * 2, 30_000);
      x.reconnect.delay = this.#delay * (0.8 + Math.random() * 0.4);
    });
    x.reconnect.delay = this.#delay;
    x.streamManagement.on('resumed', () => {
      this.#delay = 1000;
      x.reconnect.delay = 1000;
      this.#set({ connection: 'online', notice: 'Reconnected (session resumed).' });
      this.#clearNoticeSoon();
    });
    x.on('online', () => {
      const reconnect = this.#state.connection === 'reconnecting';
      this.#delay = 1000;
      x.reconnect.delay = 1000;
      this.#set({ connection: 'online', notice: reconnect ? 'Reconnected.' : null });
      if (reconnect) this.#clearNoticeSoon();
      void this.#initialise();
    });
    x.on('stanza', (stanza) => {
      try {
        if (stanza.is('presence')) this.#onPresence(stanza);
        else if (stanza.is('message')) this.#onMessage(stanza);
      } catch {
        // A malformed stanza from the network must not break the client.
      }
    });
    // RFC 6121 §2.1.6: roster pushes come from our own account (or no 'from').
    x.iqCallee.set(NS_ROSTER, 'query', ({ stanza, element }) => {
      const from = stanza.attrs.from;
      if (from && bare(from) !== this.#state.me.jid) return false;
      this.#applyRoster(element.getChildren('item'), false);
      return true;
    });
    x.iqCallee.set(NS_BLOCKING, 'block', ({ element }) => {
      const blocked = new Set(this.#state.blocked);
      for (const i of element.getChildren('item')) blocked.add(bare(i.attrs.jid));
      this.#set({ blocked });
      return true;
    });
    x.iqCallee.set(NS_BLOCKING, 'unblock', ({ element }) => {
      const blocked = new Set(this.#state.blocked);
      for (const i of element.getChildren('item')) blocked.delete(bare(i.attrs.jid));
      this.#set({ blocked });
      return true;
    });
  }

  #clearNoticeSoon(): void {
    const notice = this.#state.notice;
    setTimeout(() => {
      if (this.#state.notice === notice && this.#state.connection === 'online') this.#set({ notice: null });
    }, 5000);
  }

  async #initialise(): Promise<void> {
    const x = this.#xmpp;
    const roster = await x.iqCaller.request(xml('iq', { type: 'get' }, xml('query', { xmlns: NS_ROSTER })));
    this.#applyRoster(roster.getChild('query', NS_ROSTER)?.getChildren('item') ?? [], true);
    const disco = await x.iqCaller
      .request(
        xml('iq', { type: 'get', to: this.#state.me.jid.split('@')[1] }, xml('query', { xmlns: NS_DISCO })),
      )
      .catch(() => null);
    const vars = new Set(
      disco
        ?.getChild('query', NS_DISCO)
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [],
    );
    let carbons = false;
    if (vars.has(NS_CARBONS)) {
      carbons = await x.iqCaller
        .request(xml('iq', { type: 'set' }, xml('enable', { xmlns: NS_CARBONS })))
        .then(() => true)
        .catch(() => false);
    }
    if (vars.has(NS_BLOCKING)) {
      const list = await x.iqCaller
        .request(xml('iq', { type: 'get' }, xml('blocklist', { xmlns: NS_BLOCKING })))
        .catch(() => null);
      const items = list?.getChild('blocklist', NS_BLOCKING)?.getChildren('item') ?? [];
      this.#set({ blocked: new Set(items.map((i) => bare(i.attrs.jid))) });
    }
    // XEP-0313 §7: the archive is the account's, advertised on the bare JID.
    const account = await x.iqCaller
      .request(xml('iq', { type: 'get', to: this.#state.me.jid }, xml('query', { xmlns: NS_DISCO })))
      .catch(() => null);
    const accountVars = new Set(
      account
        ?.getChild('query', NS_DISCO)
        ?.getChildren('feature')
        .map((f) => f.attrs.var) ?? [],
    );
    this.#set({ features: { mam: accountVars.has(NS_MAM) || vars.has(NS_MAM), muc: null, carbons } });
    // Initial presence (RFC 6121 §4.2): the server composes what others see from it and any manual status.
    await x.send(xml('presence'));
    await this.refreshMyPresence();
    await this.#restoreRooms();
  }

  /** The rooms we were in (a new stream is out of every room): join them again; list our others. */
  async #restoreRooms(): Promise<void> {
    const rooms = new Map(this.#state.rooms);
    for (const room of this.#state.rooms.values()) {
      if (room.status === 'left') continue;
      rooms.set(room.jid, { ...room, status: 'joining', occupants: new Map() });
      void this.#sendJoin(room.jid, room.nick, room.messages.length > 0);
    }
    this.#set({ rooms });
    const list = await api.rooms(this.#token).catch(() => []);
    const known = new Map(this.#state.rooms);
    for (const r of list)
      if (!known.has(r.jid)) known.set(r.jid, this.#newRoom(r.jid, r.name || r.jid.split('@')[0]!, 'left'));
    this.#set({ rooms: known });
  }

  async refreshMyPresence(): Promise<void> {
    const p = await api.myPresence(this.#token).catch(() => null);
    if (!p) return;
    this.#set({
      myPresence: {
        availability: (p.invisible ? 'invisible' : p.availability) as Presence['availability'],
        note: p.note,
        until: p.until,
        source: p.source,
      },
    });
  }

  #applyRoster(items: XmlElement[], full: boolean): void {
    const contacts = new Map(full ? [] : this.#state.contacts);
    // A new session (not a resumed one) is sent every contact's presence again.
    const keep = (c: Contact | undefined) => (full ? undefined : c);
    for (const item of items) {
      const jid = bare(item.attrs.jid);
      if (!jid) continue;
      if (item.attrs.subscription === 'remove') {
        contacts.delete(jid);
        continue;
      }
      const old = keep(this.#state.contacts.get(jid));
      contacts.set(jid, {
        jid,
        name: item.attrs.name || jid.split('@')[0]!,
        groups: item.getChildren('group').map((g) => g.text()),
        subscription: item.attrs.subscription ?? 'none',
        pending: item.attrs.ask === 'subscribe',
        presence: old?.presence ?? OFFLINE,
        resources: old?.resources ?? new Map(),
      });
    }
    this.#set({ contacts });
  }

  #onPresence(stanza: XmlElement): void {
    const from = bare(stanza.attrs.from);
    const type = stanza.attrs.type;
    if (this.#state.rooms.has(from)) {
      this.#onRoomPresence(stanza, from);
      return;
    }
    if (type === 'subscribe') {
      const contact = this.#state.contacts.get(from);
      // Someone we asked (or already share presence with) is approved at once; others wait for the user.
      if (contact?.pending || contact?.subscription === 'to') {
        void this.#xmpp.send(xml('presence', { to: from, type: 'subscribed' }));
      } else if (!this.#state.requests.includes(from)) {
        this.#set({ requests: [...this.#state.requests, from] });
      }
      return;
    }
    if (type === 'subscribed' || type === 'unsubscribed' || type === 'unsubscribe' || type === 'error')
      return;
    if (type && type !== 'unavailable') return;
    if (from === this.#state.me.jid) {
      void this.refreshMyPresence();
      return;
    }
    const contact = this.#state.contacts.get(from);
    if (!contact) return;
    const resource = stanza.attrs.from?.split('/')[1] ?? '';
    const resources = new Map(contact.resources);
    const presence = parsePresence(stanza);
    if (presence.availability === 'offline') resources.delete(resource);
    else resources.set(resource, presence);
    const best = [...resources.values()].sort((a, b) => rank(a.availability) - rank(b.availability))[0];
    const contacts = new Map(this.#state.contacts);
    contacts.set(from, { ...contact, resources, presence: best ?? OFFLINE });
    this.#set({ contacts });
  }

  #conversation(jid: string): Conversation {
    return (
      this.#state.conversations.get(jid) ?? { jid, messages: [], unread: 0, typing: false, history: null }
    );
  }

  #putConversation(c: Conversation): void {
    const conversations = new Map(this.#state.conversations);
    conversations.set(c.jid, c);
    this.#set({ conversations });
  }

  /** MAM result messages of the queries in flight, by queryid. */
  readonly #queries = new Map<string, XmlElement[]>();

  #onMessage(stanza: XmlElement): void {
    const me = this.#state.me.jid;
    if (stanza.attrs.type === 'error' && this.#state.rooms.has(bare(stanza.attrs.from))) {
      this.#onRoomMessageError(stanza);
      return;
    }
    if (stanza.attrs.type !== 'error' && this.#onInvitation(stanza)) return;
    if (stanza.attrs.type === 'groupchat') {
      this.#onGroupchat(stanza);
      return;
    }
    const result = stanza.getChild('result', NS_MAM);
    if (result) {
      // XEP-0313 §4.2: results come from our own archive (our bare JID, or no 'from').
      const list = this.#queries.get(result.attrs.queryid ?? '');
      if (list && (!stanza.attrs.from || bare(stanza.attrs.from) === me)) list.push(result);
      return;
    }
    const received = stanza.getChild('received', NS_CARBONS);
    const sent = stanza.getChild('sent', NS_CARBONS);
    if (received || sent) {
      // XEP-0280 §11: a carbon is only trusted from our own bare JID.
      if (bare(stanza.attrs.from) !== me) return;
      const inner = (received ?? sent)?.getChild('forwarded', NS_FORWARD)?.getChild('message');
      if (!inner) return;
      if (sent) this.#onOwnMessage(inner);
      else this.#onTheirMessage(inner, false);
      return;
    }
    this.#onTheirMessage(stanza, true);
  }

  /** A message we sent from another device (carbon copy). */
  #onOwnMessage(m: XmlElement): void {
    const to = bare(m.attrs.to);
    const body = m.getChildText('body');
    if (!to || body === null) return;
    const c = this.#conversation(to);
    const replace = m.getChild('replace', NS_CORRECT)?.attrs.id;
    if (replace) {
      this.#putConversation({ ...c, messages: correct(c.messages, replace, body, true) });
      return;
    }
    const id = m.attrs.id ?? crypto.randomUUID();
    if (c.messages.some((x) => x.id === id)) return;
    this.#putConversation({
      ...c,
      unread: 0,
      messages: [
        ...c.messages,
        { id, mine: true, body, at: Date.now(), state: 'sent', corrected: false, delayed: false },
      ],
    });
  }

  #onTheirMessage(m: XmlElement, direct: boolean): void {
    const from = bare(m.attrs.from);
    if (!from || from === this.#state.me.jid || m.attrs.type === 'error' || m.attrs.type === 'groupchat')
      return;
    // §7.5 private messages from occupants are not shown (the room's address is the room's screen).
    if (this.#state.rooms.has(from)) return;
    const c = this.#conversation(from);
    const receipt = m.getChild('received', NS_RECEIPTS)?.attrs.id;
    if (receipt) {
      this.#putConversation({
        ...c,
        messages: c.messages.map((x) => (x.id === receipt && x.mine ? { ...x, state: 'delivered' } : x)),
      });
      return;
    }
    const body = m.getChildText('body');
    const state = m.getChildElements().find((e) => e.getNS() === NS_CHATSTATES)?.name;
    if (body === null) {
      if (state) this.#putConversation({ ...c, typing: state === 'composing' });
      return;
    }
    // XEP-0184 §5.4: acknowledge a request, to the full JID that asked, only for messages sent to us.
    if (direct && m.attrs.id && m.getChild('request', NS_RECEIPTS)) {
      void this.#xmpp.send(
        xml(
          'message',
          { to: m.attrs.from, id: crypto.randomUUID() },
          xml('received', { xmlns: NS_RECEIPTS, id: m.attrs.id }),
        ),
      );
    }
    const replace = m.getChild('replace', NS_CORRECT)?.attrs.id;
    if (replace) {
      this.#putConversation({ ...c, typing: false, messages: correct(c.messages, replace, body, false) });
      return;
    }
    const stamp = m.getChild('delay', NS_DELAY)?.attrs.stamp;
    const at = stamp ? Date.parse(stamp) : Date.now();
    const id = m.attrs.id ?? crypto.randomUUID();
    if (c.messages.some((x) => x.id === id && !x.mine)) return;
    const active = this.#state.active === from && document.visibilityState === 'visible';
    this.#putConversation({
      ...c,
      typing: false,
      unread: active ? 0 : c.unread + 1,
      messages: [
        ...c.messages,
        { id, mine: false, body, at, state: 'received', corrected: false, delayed: !!stamp },
      ],
    });
    if (document.visibilityState !== 'visible')
      this.onAlert(this.#state.contacts.get(from)?.name ?? from, body);
  }

  // ------------------------------------------------------------------ rooms (XEP-0045)

  #newRoom(jid: string, name: string, status: Room['status']): Room {
    return {
      jid,
      name,
      // The display name, so that others see a name even where the room hides real JIDs (§4.2).
      nick: this.#state.me.displayName.trim() || this.#state.me.username,
      status,
      error: null,
      occupants: new Map(),
      messages: [],
      unread: 0,
      subject: '',
    };
  }

  #putRoom(room: Room): void {
    const rooms = new Map(this.#state.rooms);
    rooms.set(room.jid, room);
    this.#set({ rooms });
  }

  /** Invitations: §7.8.2 mediated (from the room) first, else XEP-0249 §2 direct. True when one. */
  #onInvitation(m: XmlElement): boolean {
    let invitation: Invitation | null = null;
    const mediated = m.getChild('x', NS_MUC_USER)?.getChild('invite');
    if (mediated) {
      invitation = {
        room: bare(m.attrs.from),
        name: null,
        from: bare(mediated.attrs.from),
        reason: mediated.getChildText('reason') || null,
        password: m.getChild('x', NS_MUC_USER)?.getChildText('password') || null,
      };
    } else {
      const direct = m.getChild('x', NS_CONFERENCE);
      if (!direct?.attrs.jid) return false;
      invitation = {
        room: bare(direct.attrs.jid),
        name: null,
        from: bare(m.attrs.from),
        reason: direct.attrs.reason || null,
        password: direct.attrs.password || null,
      };
    }
    if (!invitation.room.includes('@')) return true;
    const joined = this.#state.rooms.get(invitation.room);
    if (joined && joined.status !== 'left') return true;
    if (this.#state.invitations.some((i) => i.room === invitation.room)) return true;
    this.#set({ invitations: [...this.#state.invitations, invitation] });
    void this.#roomName(invitation.room).then((name) => {
      if (name)
        this.#set({
          invitations: this.#state.invitations.map((i) => (i.room === invitation.room ? { ...i, name } : i)),
        });
    });
    if (document.visibilityState !== 'visible')
      this.onAlert(invitation.from, `invites you to ${invitation.room.split('@')[0]}`);
    return true;
  }

  /** XEP-0045 §6.4: the room's name is its disco#info conference identity's. */
  async #roomName(roomJid: string): Promise<string | null> {
    const info = await this.#xmpp.iqCaller
      .request(xml('iq', { type: 'get', to: roomJid }, xml('query', { xmlns: NS_DISCO })))
      .catch(() => null);
    const identity = info
      ?.getChild('query', NS_DISCO)
      ?.getChildren('identity')
      .find((i) => i.attrs.category === 'conference');
    return identity?.attrs.name || null;
  }

  #onRoomPresence(p: XmlElement, roomJid: string): void {
    const room = this.#state.rooms.get(roomJid)!;
    const nick = p.attrs.from?.split('/').slice(1).join('/') ?? '';
    if (p.attrs.type === 'error') {
      // §7.2.6-§7.2.10: the join was refused (members only, banned, nick in use, …).
      const condition = p.getChild('error')?.getChildElements()[0]?.name ?? 'error';
      // §7.2.9 the nick is taken: try once more with the username.
      if (condition === 'conflict' && room.status === 'joining' && room.nick !== this.#state.me.username) {
        this.#putRoom({ ...room, nick: this.#state.me.username });
        void this.#sendJoin(roomJid, this.#state.me.username, false);
        return;
      }
      const text: Record<string, string> = {
        'registration-required': 'Only members can join this room.',
        forbidden: 'You are banned from this room.',
        conflict: 'Your nickname is in use in this room.',
        'item-not-found': 'This room does not exist (any more).',
        'not-authorized': 'This room needs a password.',
        'service-unavailable': 'This room is full.',
      };
      this.#putRoom({ ...room, status: 'error', error: text[condition] ?? `Could not join (${condition}).` });
      return;
    }
    const x = p.getChild('x', NS_MUC_USER);
    const item = x?.getChild('item');
    const codes = new Set(x?.getChildren('status').map((s) => s.attrs.code) ?? []);
    const self = codes.has('110');
    const occupants = new Map(room.occupants);
    if (p.attrs.type === 'unavailable') {
      occupants.delete(nick);
      if (self) {
        // §7.14 we left; §9.1 kicked (307), §9.2 banned (301), §9.5/§9.6 removed (321/322).
        const why = codes.has('307')
          ? 'You were removed from the room.'
          : codes.has('301')
            ? 'You were banned from the room.'
            : codes.has('321') || codes.has('322')
              ? 'You are no longer a member of this room.'
              : null;
        this.#putRoom({ ...room, status: 'left', occupants: new Map(), error: why });
        return;
      }
      this.#putRoom({ ...room, occupants });
      return;
    }
    occupants.set(nick, {
      nick,
      jid: item?.attrs.jid ? bare(item.attrs.jid) : null,
      role: item?.attrs.role ?? 'participant',
      affiliation: item?.attrs.affiliation ?? 'none',
    });
    // §7.2.3: the self-presence (110) is the last of the occupants' presences: we are in.
    this.#putRoom({
      ...room,
      occupants,
      ...(self ? { status: 'joined' as const, nick, error: null } : {}),
    });
  }

  /** A message the room refused: an invitation we may not send (§7.8.2), or a message (§7.4, §8.5). */
  #onRoomMessageError(m: XmlElement): void {
    const room = this.#state.rooms.get(bare(m.attrs.from))!;
    const condition = m.getChild('error')?.getChildElements()[0]?.name ?? 'error';
    const inviting = !!m.getChild('x', NS_MUC_USER)?.getChild('invite');
    const error = inviting
      ? condition === 'forbidden'
        ? 'Only the room owner can invite people to this room.'
        : `The invitation was not sent (${condition}).`
      : condition === 'forbidden'
        ? 'You may not send messages in this room.'
        : condition === 'not-acceptable'
          ? 'You are not in this room any more. Open it again to rejoin.'
          : `Your message was not delivered (${condition}).`;
    this.#putRoom({ ...room, error });
  }

  #onGroupchat(m: XmlElement): void {
    const roomJid = bare(m.attrs.from);
    const room = this.#state.rooms.get(roomJid);
    if (!room) return;
    const nick = m.attrs.from?.split('/').slice(1).join('/') ?? '';
    const subject = m.getChildText('subject');
    const body = m.getChildText('body');
    if (subject !== null && body === null) {
      this.#putRoom({ ...room, subject }); // §8.1 the subject
      return;
    }
    if (body === null || !nick) return;
    const stamp = m.getChild('delay', NS_DELAY)?.attrs.stamp;
    // XEP-0359: the room's stanza-id, else the sender's id; the echo of ours carries our id (§7.4).
    const sid = m.getChildren('stanza-id', NS_STANZA_ID).find((e) => bare(e.attrs.by) === roomJid)?.attrs.id;
    const id = m.attrs.id ?? sid ?? crypto.randomUUID();
    const mine = nick === room.nick;
    if (room.messages.some((x) => x.id === id && x.nick === nick)) {
      return;
    }
    const active = this.#state.active === roomJid && document.visibilityState === 'visible';
    this.#putRoom({
      ...room,
      unread: active || mine || stamp ? room.unread : room.unread + 1,
      messages: [
        ...room.messages,
        { id, nick, mine, body, at: stamp ? Date.parse(stamp) : Date.now(), history: !!stamp },
      ],
    });
    if (!mine && !stamp && document.visibilityState !== 'visible')
      this.onAlert(`${nick} in ${room.name}`, body);
  }

  /** §7.2.2 enter a room: presence to room/nick with <x xmlns=muc/>; §7.2.15 the history wanted. */
  async #sendJoin(roomJid: string, nick: string, haveHistory: boolean): Promise<void> {
    await this.#xmpp.send(
      xml(
        'presence',
        { to: `${roomJid}/${nick}` },
        xml('x', { xmlns: NS_MUC }, xml('history', { maxstanzas: haveHistory ? '0' : '50' })),
      ),
    );
  }

  async joinRoom(roomJid: string, name?: string): Promise<void> {
    const jid = bare(roomJid);
    const old = this.#state.rooms.get(jid);
    const invited = this.#state.invitations.find((i) => i.room === jid)?.name;
    const room = old ?? this.#newRoom(jid, name ?? invited ?? jid.split('@')[0]!, 'joining');
    if (!old && !name && !invited)
      void this.#roomName(jid).then((n) => {
        const now = this.#state.rooms.get(jid);
        if (n && now) this.#putRoom({ ...now, name: n });
      });
    this.#set({ invitations: this.#state.invitations.filter((i) => i.room !== jid) });
    // A fresh join gets the history again: start from an empty log to avoid duplicates.
    this.#putRoom({ ...room, status: 'joining', error: null, messages: [], occupants: new Map() });
    await this.#sendJoin(jid, room.nick, false);
  }

  /** Herald's rooms API does not relay declines; the invitation is dismissed here. */
  declineInvitation(roomJid: string): void {
    this.#set({ invitations: this.#state.invitations.filter((i) => i.room !== roomJid) });
  }

  /** §7.14 exit a room. */
  async leaveRoom(roomJid: string): Promise<void> {
    const room = this.#state.rooms.get(roomJid);
    if (!room) return;
    await this.#xmpp.send(xml('presence', { to: `${roomJid}/${room.nick}`, type: 'unavailable' }));
    const rooms = new Map(this.#state.rooms);
    rooms.delete(roomJid);
    this.#set({ rooms, active: this.#state.active === roomJid ? null : this.#state.active });
  }

  /** POST /api/v1/rooms: a members-only room we own with the invitees as members; then we enter. */
  async createRoom(name: string, invite: string[]): Promise<string> {
    const room = await api.createRoom(this.#token, { name, invite });
    await this.joinRoom(room.jid, room.name || name);
    this.open(room.jid);
    return room.jid;
  }

  /** POST /api/v1/rooms/escalate: this 1:1 chat becomes a room with the peer and the invitees. */
  async escalate(peer: string, invite: string[], name?: string): Promise<string> {
    const room = await api.escalate(this.#token, { with: peer, invite, ...(name ? { name } : {}) });
    await this.joinRoom(room.jid, room.name);
    this.open(room.jid);
    return room.jid;
  }

  /** §7.8.2 a mediated invitation, sent through the room. */
  async inviteToRoom(roomJid: string, invitees: string[]): Promise<void> {
    await this.#xmpp.send(
      xml(
        'message',
        { to: roomJid },
        xml('x', { xmlns: NS_MUC_USER }, ...invitees.map((to) => xml('invite', { to }))),
      ),
    );
  }

  /** §7.4 a message to all occupants; the room echoes it back to us. */
  async sendGroup(roomJid: string, body: string): Promise<void> {
    await this.#xmpp.send(
      xml('message', { to: roomJid, type: 'groupchat', id: crypto.randomUUID() }, xml('body', {}, body)),
    );
  }

  // ------------------------------------------------------------------ actions

  open(jid: string | null): void {
    if (!jid) {
      this.#set({ active: null });
      return;
    }
    const room = this.#state.rooms.get(jid);
    if (room) {
      this.#set({ active: jid });
      if (room.status === 'left' || room.status === 'error') void this.joinRoom(jid);
      else this.#putRoom({ ...room, unread: 0 });
      return;
    }
    const c = this.#conversation(jid);
    this.#set({ active: jid });
    this.#putConversation({ ...c, unread: 0 });
  }

  /** XEP-0313 §4 + XEP-0059: the page of history before what we have, newest page first. */
  async loadEarlier(jid: string): Promise<void> {
    const c = this.#conversation(jid);
    if (!this.#state.features.mam || c.history?.complete || c.history?.loading) return;
    this.#putConversation({
      ...c,
      history: { before: c.history?.before ?? '', complete: false, loading: true },
    });
    const queryid = crypto.randomUUID();
    this.#queries.set(queryid, []);
    const field = (name: string, value: string, type?: string) =>
      xml('field', { var: name, ...(type ? { type } : {}) }, xml('value', {}, value));
    try {
      const reply = await this.#xmpp.iqCaller.request(
        xml(
          'iq',
          { type: 'set' },
          xml(
            'query',
            { xmlns: NS_MAM, queryid },
            xml(
              'x',
              { xmlns: NS_DATA, type: 'submit' },
              field('FORM_TYPE', NS_MAM, 'hidden'),
              field('with', jid),
            ),
            xml('set', { xmlns: NS_RSM }, xml('max', {}, '30'), xml('before', {}, c.history?.before ?? '')),
          ),
        ),
        20_000,
      );
      const fin = reply.getChild('fin', NS_MAM);
      const me = this.#state.me.jid;
      const older: Message[] = [];
      for (const result of this.#queries.get(queryid) ?? []) {
        const forwarded = result.getChild('forwarded', NS_FORWARD);
        const m = forwarded?.getChild('message');
        const body = m?.getChildText('body');
        if (!m || body === null || body === undefined) continue;
        // XEP-0308: an archived correction replaces the message it names.
        const replaces = m.getChild('replace', NS_CORRECT)?.attrs.id;
        const target = replaces
          ? older.findIndex((o) => o.id === replaces && o.mine === (bare(m.attrs.from) === me))
          : -1;
        if (target >= 0) {
          older[target] = { ...older[target]!, body, corrected: true };
          continue;
        }
        const stamp = forwarded?.getChild('delay', NS_DELAY)?.attrs.stamp;
        older.push({
          id: m.attrs.id ?? result.attrs.id ?? crypto.randomUUID(),
          mine: bare(m.attrs.from) === me,
          body,
          at: stamp ? Date.parse(stamp) : 0,
          state: bare(m.attrs.from) === me ? 'delivered' : 'received',
          corrected: false,
          delayed: false,
        });
      }
      const now = this.#conversation(jid);
      const seen = new Set(now.messages.map((m) => `${m.mine}:${m.id}`));
      const merged = [...older.filter((m) => !seen.has(`${m.mine}:${m.id}`)), ...now.messages].sort(
        (a, b) => a.at - b.at,
      );
      this.#putConversation({
        ...now,
        messages: merged,
        history: {
          before: fin?.getChild('set', NS_RSM)?.getChildText('first') ?? '',
          complete: fin?.attrs.complete === 'true' || older.length === 0,
          loading: false,
        },
      });
    } catch {
      const now = this.#conversation(jid);
      this.#putConversation({
        ...now,
        history: { before: now.history?.before ?? '', complete: false, loading: false },
      });
    } finally {
      this.#queries.delete(queryid);
    }
  }

  markRead(): void {
    const jid = this.#state.active;
    const room = jid ? this.#state.rooms.get(jid) : undefined;
    if (room) {
      if (room.unread) this.#putRoom({ ...room, unread: 0 });
      return;
    }
    if (jid && this.#conversation(jid).unread)
      this.#putConversation({ ...this.#conversation(jid), unread: 0 });
  }

  async send(to: string, body: string): Promise<void> {
    const id = crypto.randomUUID();
    const c = this.#conversation(to);
    this.#putConversation({
      ...c,
      messages: [
        ...c.messages,
        { id, mine: true, body, at: Date.now(), state: 'sent', corrected: false, delayed: false },
      ],
    });
    await this.#xmpp.send(
      xml(
        'message',
        { to, type: 'chat', id },
        xml('body', {}, body),
        xml('active', { xmlns: NS_CHATSTATES }),
        xml('request', { xmlns: NS_RECEIPTS }),
        xml('markable', { xmlns: 'urn:xmpp:chat-markers:0' }),
      ),
    );
  }

  /** XEP-0308: replaces the last message we sent in this conversation. */
  async correctLast(to: string, body: string): Promise<void> {
    const c = this.#conversation(to);
    const last = [...c.messages].reverse().find((m) => m.mine);
    if (!last) return;
    this.#putConversation({ ...c, messages: correct(c.messages, last.id, body, true) });
    await this.#xmpp.send(
      xml(
        'message',
        { to, type: 'chat', id: crypto.randomUUID() },
        xml('body', {}, body),
        xml('replace', { xmlns: NS_CORRECT, id: last.id }),
        xml('request', { xmlns: NS_RECEIPTS }),
      ),
    );
  }

  /** XEP-0085 chat states: 'composing' while typing, 'paused' after a pause, 'active' when done. */
  async chatState(to: string, state: 'composing' | 'paused' | 'active'): Promise<void> {
    if (this.#state.connection !== 'online') return;
    await this.#xmpp.send(
      xml(
        'message',
        { to, type: 'chat' },
        xml(state, { xmlns: NS_CHATSTATES }),
        xml('no-store', { xmlns: 'urn:xmpp:hints' }),
      ),
    );
  }

  async addContact(jid: string, name: string, group: string): Promise<void> {
    const target = bare(jid);
    await this.#xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml(
          'query',
          { xmlns: NS_ROSTER },
          xml('item', { jid: target, name }, group ? xml('group', {}, group) : null),
        ),
      ),
    );
    await this.#xmpp.send(xml('presence', { to: target, type: 'subscribe' }));
  }

  async answerRequest(jid: string, accept: boolean): Promise<void> {
    this.#set({ requests: this.#state.requests.filter((r) => r !== jid) });
    if (!accept) {
      await this.#xmpp.send(xml('presence', { to: jid, type: 'unsubscribed' }));
      return;
    }
    await this.#xmpp.send(xml('presence', { to: jid, type: 'subscribed' }));
    if (!this.#state.contacts.has(jid)) await this.addContact(jid, jid.split('@')[0]!, '');
  }

  async removeContact(jid: string): Promise<void> {
    await this.#xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml('query', { xmlns: NS_ROSTER }, xml('item', { jid, subscription: 'remove' })),
      ),
    );
    if (this.#state.active === jid) this.#set({ active: null });
  }

  async setBlocked(jid: string, blocked: boolean): Promise<void> {
    await this.#xmpp.iqCaller.request(
      xml(
        'iq',
        { type: 'set' },
        xml(blocked ? 'block' : 'unblock', { xmlns: NS_BLOCKING }, xml('item', { jid })),
      ),
    );
    const set = new Set(this.#state.blocked);
    if (blocked) set.add(jid);
    else set.delete(jid);
    this.#set({ blocked: set });
  }

  /** Manual status through PUT /api/v1/me/status; the server composes and broadcasts presence. */
  async setStatus(
    availability: ManualAvailability,
    note: string | null,
    until: string | null,
  ): Promise<void> {
    if (availability === 'available' && !note) await api.clearStatus(this.#token);
    else await api.setStatus(this.#token, { availability, note, until });
    await this.refreshMyPresence();
  }

  async searchDirectory(q: string) {
    return api.directory(this.#token, q);
  }

  async signOut(): Promise<void> {
    this.#stopped = true;
    this.#xmpp.reconnect.stop();
    await this.#xmpp.stop().catch(() => {});
    await api.signOut(this.#token).catch(() => {});
  }
}

function correct(messages: readonly Message[], id: string, body: string, mine: boolean): Message[] {
  return messages.map((m) => (m.id === id && m.mine === mine ? { ...m, body, corrected: true } : m));
}
