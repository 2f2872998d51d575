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

  // ------------------------------------------------------------------ actions

  open(jid: string | null): void {
    if (!jid) {
      this.#set({ active: null });
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
