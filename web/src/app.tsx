import { type FormEvent, useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import type { DirectoryEntry, ManualAvailability } from './api.js';
import { label, type Presence, rank, tone } from './presence.js';
import { type Contact, type Room, type Saved, Session, SignInError, type State } from './session.js';

const STORE_KEY = 'herald.session';

function loadSaved(): Saved | null {
  try {
    const raw = localStorage.getItem(STORE_KEY) ?? sessionStorage.getItem(STORE_KEY);
    return raw ? (JSON.parse(raw) as Saved) : null;
  } catch {
    return null;
  }
}

/** The theme: the system's (prefers-color-scheme) until the user picks one with the toggle. */
function useTheme(): [string, () => void] {
  const [theme, setTheme] = useState(() => localStorage.getItem('herald.theme') ?? 'auto');
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  const current =
    theme === 'auto' ? (matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light') : theme;
  const next = () => {
    const value = current === 'dark' ? 'light' : 'dark';
    localStorage.setItem('herald.theme', value);
    setTheme(value);
  };
  return [current, next];
}

/** "Keep me signed in": localStorage (survives restarts); otherwise sessionStorage (this tab only). */
let remember = true;
function onSaved(saved: Saved): void {
  const text = JSON.stringify(saved);
  if (remember) localStorage.setItem(STORE_KEY, text);
  else sessionStorage.setItem(STORE_KEY, text);
}

export function App() {
  const [session, setSession] = useState<Session | null>(null);
  const [resuming, setResuming] = useState(() => loadSaved() !== null);
  const [error, setError] = useState<string | null>(null);
  const [theme, toggleTheme] = useTheme();

  useEffect(() => {
    const saved = loadSaved();
    if (!saved) return;
    Session.resume(saved, onSaved)
      .then(setSession)
      .catch((e: unknown) => {
        if (e instanceof SignInError && e.kind === 'credentials') localStorage.removeItem(STORE_KEY);
        setError(e instanceof Error ? e.message : String(e));
      })
      .finally(() => setResuming(false));
  }, []);

  if (resuming) return <div className="splash">Signing in…</div>;
  if (!session)
    return (
      <SignIn
        error={error}
        onSubmit={async (username, password, keep) => {
          remember = keep;
          setError(null);
          try {
            setSession(await Session.signIn(username, password, onSaved));
          } catch (e) {
            setError(e instanceof Error ? e.message : String(e));
          }
        }}
      />
    );
  return (
    <Shell
      session={session}
      theme={theme}
      toggleTheme={toggleTheme}
      onSignOut={async () => {
        localStorage.removeItem(STORE_KEY);
        sessionStorage.removeItem(STORE_KEY);
        await session.signOut();
        setSession(null);
      }}
    />
  );
}

function SignIn(props: {
  error: string | null;
  onSubmit: (u: string, p: string, keep: boolean) => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => first.current?.focus(), []);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const data = new FormData(e.currentTarget);
    setBusy(true);
    await props.onSubmit(
      String(data.get('username')),
      String(data.get('password')),
      data.get('remember') === 'on',
    );
    setBusy(false);
  };
  return (
    <main className="signin">
      <form className="card" onSubmit={submit} aria-labelledby="signin-title">
        <div className="brand" aria-hidden="true">
          H
        </div>
        <h1 id="signin-title">Sign in to Herald</h1>
        <p className="muted">Presence, chat and calls for your organisation.</p>
        <label>
          Username
          <input ref={first} name="username" autoComplete="username" required />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        <label className="check">
          <input type="checkbox" name="remember" defaultChecked /> Keep me signed in on this device
        </label>
        {props.error && (
          <p className="error" role="alert">
            {props.error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}

const initials = (name: string): string =>
  name
    .split(/[\s@._-]+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join('');

function Avatar({ name, presence }: { name: string; presence?: Presence }) {
  let hue = 0;
  for (const ch of name) hue = (hue * 31 + ch.charCodeAt(0)) % 360;
  return (
    <span className="avatar" style={{ background: `hsl(${hue} 55% 30%)` }} aria-hidden="true">
      {initials(name)}
      {presence && <span className={`dot ${tone(presence.availability)}`} />}
    </span>
  );
}

function Shell(props: { session: Session; theme: string; toggleTheme: () => void; onSignOut: () => void }) {
  const { session } = props;
  const state = useSyncExternalStore(session.subscribe, session.getState);
  const [tab, setTab] = useState<'contacts' | 'chats' | 'rooms'>('contacts');
  const [adding, setAdding] = useState(false);

  useEffect(() => {
    const alert = (from: string, body: string) => {
      beep();
      if ('Notification' in window && Notification.permission === 'granted')
        new Notification(from, { body, tag: from });
    };
    session.onAlert = alert;
    const onVisible = () => session.markRead();
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [session]);

  const chatUnread = [...state.conversations.values()].reduce((n, c) => n + c.unread, 0);
  const roomUnread = [...state.rooms.values()].reduce((n, r) => n + r.unread, 0);
  const unread = chatUnread + roomUnread;
  useEffect(() => {
    document.title = unread ? `(${unread}) Herald` : 'Herald';
  }, [unread]);
  const activeRoom = state.active ? state.rooms.get(state.active) : undefined;

  return (
    <div className={`shell ${state.active ? 'has-chat' : ''}`}>
      <header className="topbar">
        <h1 className="sr-only">Herald</h1>
        <StatusMenu session={session} state={state} />
        <ConnectionBanner state={state} />
        <div className="top-actions">
          <button
            type="button"
            className="ghost"
            onClick={props.toggleTheme}
            aria-label="Switch light or dark theme"
          >
            {props.theme === 'dark' ? '☀' : '☾'}
          </button>
          <button type="button" className="ghost" onClick={props.onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <nav className="rail" aria-label="Contacts and conversations">
        <div className="rail-head">
          <div className="tabs" role="tablist">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'contacts'}
              onClick={() => setTab('contacts')}
            >
              Contacts
            </button>
            <button type="button" role="tab" aria-selected={tab === 'chats'} onClick={() => setTab('chats')}>
              Chats {chatUnread > 0 && <span className="badge">{chatUnread}</span>}
            </button>
            <button type="button" role="tab" aria-selected={tab === 'rooms'} onClick={() => setTab('rooms')}>
              Rooms {roomUnread > 0 && <span className="badge">{roomUnread}</span>}
            </button>
          </div>
          <button
            type="button"
            className="ghost add"
            onClick={() => setAdding(true)}
            aria-label="Add a contact"
          >
            +
          </button>
        </div>
        <Requests session={session} state={state} />
        <Invitations session={session} state={state} onJoined={() => setTab('rooms')} />
        {tab === 'contacts' ? (
          <ContactList session={session} state={state} />
        ) : tab === 'chats' ? (
          <ChatList session={session} state={state} />
        ) : (
          <RoomList session={session} state={state} />
        )}
      </nav>
      <main className="pane">
        {activeRoom ? (
          <RoomPane key={activeRoom.jid} session={session} state={state} room={activeRoom} />
        ) : state.active ? (
          <ChatPane
            key={state.active}
            session={session}
            state={state}
            jid={state.active}
            onEscalated={() => setTab('rooms')}
          />
        ) : (
          <div className="empty">
            <h2>Welcome, {state.me.displayName}</h2>
            <p className="muted">Pick a contact to start a conversation.</p>
          </div>
        )}
      </main>
      {adding && <AddContact session={session} onClose={() => setAdding(false)} />}
    </div>
  );
}

function ConnectionBanner({ state }: { state: State }) {
  if (state.connection === 'online' && !state.notice) return <div className="banner-slot" />;
  const text = state.connection === 'online' ? state.notice : (state.notice ?? 'Connecting…');
  return (
    <output className={`banner ${state.connection}`} aria-live="polite">
      {text}
    </output>
  );
}

const CHOICES: { value: ManualAvailability; text: string }[] = [
  { value: 'available', text: 'Available' },
  { value: 'away', text: 'Away' },
  { value: 'dnd', text: 'Do not disturb' },
  { value: 'on-vacation', text: 'On vacation' },
  { value: 'invisible', text: 'Invisible' },
];

function StatusMenu({ session, state }: { session: Session; state: State }) {
  const [open, setOpen] = useState(false);
  const [choice, setChoice] = useState<ManualAvailability>('available');
  const [note, setNote] = useState('');
  const [until, setUntil] = useState('');
  const [error, setError] = useState<string | null>(null);
  const me = state.myPresence;
  const apply = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const end = choice === 'on-vacation' && until ? new Date(`${until}T23:59:00`).toISOString() : null;
      await session.setStatus(choice, note.trim() || null, end);
      setOpen(false);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <div className="me">
      <button
        type="button"
        className="me-button"
        aria-haspopup="dialog"
        aria-expanded={open}
        onClick={() => setOpen(!open)}
      >
        <Avatar name={state.me.displayName} presence={me} />
        <span className="me-text">
          <strong>{state.me.displayName}</strong>
          <span className="muted" data-testid="my-status">
            {label(me)}
            {me.note ? ` — ${me.note}` : ''}
          </span>
        </span>
      </button>
      {open && (
        <form className="popover" role="dialog" aria-label="Set your status" onSubmit={apply}>
          <fieldset>
            <legend>Status</legend>
            {CHOICES.map((c) => (
              <label key={c.value} className="radio">
                <input
                  type="radio"
                  name="availability"
                  value={c.value}
                  checked={choice === c.value}
                  onChange={() => setChoice(c.value)}
                />
                <span className={`dot inline ${tone(c.value === 'invisible' ? 'offline' : c.value)}`} />{' '}
                {c.text}
              </label>
            ))}
          </fieldset>
          {choice === 'on-vacation' && (
            <label>
              Back on
              <input type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
            </label>
          )}
          <label>
            Note
            <input
              value={note}
              maxLength={200}
              placeholder="What are you up to?"
              onChange={(e) => setNote(e.target.value)}
            />
          </label>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="row">
            <button type="button" className="ghost" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button type="submit" className="primary">
              Set status
            </button>
          </div>
        </form>
      )}
    </div>
  );
}

function Requests({ session, state }: { session: Session; state: State }) {
  if (!state.requests.length) return null;
  return (
    <section className="requests" aria-label="Contact requests">
      {state.requests.map((jid) => (
        <div key={jid} className="request">
          <span>
            <strong>{jid}</strong> wants to add you
          </span>
          <button
            type="button"
            className="primary small"
            onClick={() => void session.answerRequest(jid, true)}
          >
            Accept
          </button>
          <button
            type="button"
            className="ghost small"
            onClick={() => void session.answerRequest(jid, false)}
          >
            Decline
          </button>
        </div>
      ))}
    </section>
  );
}

type Row = { kind: 'group'; name: string; count: number } | { kind: 'contact'; contact: Contact };
const ROW = 56;

function ContactList({ session, state }: { session: Session; state: State }) {
  const [filter, setFilter] = useState('');
  const [scroll, setScroll] = useState(0);
  const [height, setHeight] = useState(600);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const groups = new Map<string, Contact[]>();
    for (const c of state.contacts.values()) {
      if (f && !c.name.toLowerCase().includes(f) && !c.jid.includes(f)) continue;
      for (const g of c.groups.length ? c.groups : ['Contacts']) {
        const list = groups.get(g) ?? [];
        list.push(c);
        groups.set(g, list);
      }
    }
    const out: Row[] = [];
    for (const [name, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
      list.sort(
        (a, b) =>
          rank(a.presence.availability) - rank(b.presence.availability) || a.name.localeCompare(b.name),
      );
      out.push({ kind: 'group', name, count: list.length });
      for (const contact of list) out.push({ kind: 'contact', contact });
    }
    return out;
  }, [state.contacts, filter]);
  // Hand-written windowing: only the rows in view (plus a margin) are in the DOM.
  const first = Math.max(0, Math.floor(scroll / ROW) - 5);
  const last = Math.min(rows.length, Math.ceil((scroll + height) / ROW) + 5);
  return (
    <>
      <label className="filter">
        <span className="sr-only">Filter contacts</span>
        <input
          type="search"
          placeholder="Filter contacts"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      </label>
      <div className="list" ref={box} onScroll={(e) => setScroll(e.currentTarget.scrollTop)}>
        <ul style={{ height: rows.length * ROW }} aria-label="Contacts">
          {rows.slice(first, last).map((row, i) => {
            const top = (first + i) * ROW;
            if (row.kind === 'group')
              return (
                <li key={`g:${row.name}`} className="group" style={{ top }}>
                  {row.name} <span className="muted">{row.count}</span>
                </li>
              );
            const c = row.contact;
            return (
              <li key={`${c.groups[0] ?? ''}:${c.jid}`} style={{ top }}>
                <ContactRow session={session} state={state} contact={c} />
              </li>
            );
          })}
        </ul>
        {rows.length === 0 && <p className="muted pad">No contacts{filter ? ' match' : ' yet'}.</p>}
      </div>
    </>
  );
}

function ContactRow({ session, state, contact }: { session: Session; state: State; contact: Contact }) {
  const [menu, setMenu] = useState(false);
  const blocked = state.blocked.has(contact.jid);
  const unread = state.conversations.get(contact.jid)?.unread ?? 0;
  return (
    <div className={`contact ${state.active === contact.jid ? 'selected' : ''}`}>
      <button type="button" className="contact-main" onClick={() => session.open(contact.jid)}>
        <Avatar name={contact.name} presence={contact.presence} />
        <span className="contact-text">
          <span className="name">{contact.name}</span>
          <span
            className="muted presence-text"
            data-jid={contact.jid}
            title={contact.presence.note ?? undefined}
          >
            {blocked ? 'Blocked' : contact.pending ? 'Request sent' : label(contact.presence)}
            {contact.presence.note ? ` — ${contact.presence.note}` : ''}
          </span>
        </span>
        {unread > 0 && (
          <span className="badge">
            {unread}
            <span className="sr-only"> unread</span>
          </span>
        )}
      </button>
      <button
        type="button"
        className="ghost more"
        aria-label={`More for ${contact.name}`}
        onClick={() => setMenu(!menu)}
      >
        ⋯
      </button>
      {menu && (
        <div className="menu" role="menu">
          <button
            type="button"
            role="menuitem"
            onClick={() => void session.setBlocked(contact.jid, !blocked).then(() => setMenu(false))}
          >
            {blocked ? 'Unblock' : 'Block'}
          </button>
          <button type="button" role="menuitem" onClick={() => void session.removeContact(contact.jid)}>
            Remove
          </button>
        </div>
      )}
    </div>
  );
}

function ChatList({ session, state }: { session: Session; state: State }) {
  const list = [...state.conversations.values()]
    .filter((c) => c.messages.length)
    .sort((a, b) => (b.messages.at(-1)?.at ?? 0) - (a.messages.at(-1)?.at ?? 0));
  if (!list.length) return <p className="muted pad">No conversations yet.</p>;
  return (
    <ul className="chats" aria-label="Conversations">
      {list.map((c) => {
        const contact = state.contacts.get(c.jid);
        const name = contact?.name ?? c.jid;
        return (
          <li key={c.jid}>
            <button
              type="button"
              className={`contact-main ${state.active === c.jid ? 'selected' : ''}`}
              onClick={() => session.open(c.jid)}
            >
              <Avatar name={name} {...(contact ? { presence: contact.presence } : {})} />
              <span className="contact-text">
                <span className="name">{name}</span>
                <span className="muted">{c.typing ? 'typing…' : (c.messages.at(-1)?.body ?? '')}</span>
              </span>
              {c.unread > 0 && <span className="badge">{c.unread}</span>}
            </button>
          </li>
        );
      })}
    </ul>
  );
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

function ChatPane({
  session,
  state,
  jid,
  onEscalated,
}: {
  session: Session;
  state: State;
  jid: string;
  onEscalated: () => void;
}) {
  const contact = state.contacts.get(jid);
  const [adding, setAdding] = useState(false);
  const conversation = state.conversations.get(jid);
  const messages = conversation?.messages ?? [];
  const [text, setText] = useState('');
  const [editing, setEditing] = useState(false);
  const typing = useRef<{ on: boolean; timer?: ReturnType<typeof setTimeout> }>({ on: false });
  const end = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the end when a message arrives
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [messages.length]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per conversation opened
  useEffect(() => {
    input.current?.focus();
    if (state.features.mam && !conversation?.history) void session.loadEarlier(jid);
  }, []);
  const name = contact?.name ?? jid;
  const stopTyping = (state: 'paused' | 'active') => {
    clearTimeout(typing.current.timer);
    if (typing.current.on) void session.chatState(jid, state);
    typing.current.on = false;
  };
  const onChange = (value: string) => {
    setText(value);
    if (!typing.current.on && value) {
      typing.current.on = true;
      void session.chatState(jid, 'composing');
    }
    clearTimeout(typing.current.timer);
    typing.current.timer = setTimeout(() => stopTyping('paused'), 4000);
  };
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body) return;
    // Browsers allow the notification prompt only from a user action: the first message sent.
    if ('Notification' in window && Notification.permission === 'default')
      void Notification.requestPermission();
    clearTimeout(typing.current.timer);
    typing.current.on = false;
    if (editing) void session.correctLast(jid, body);
    else void session.send(jid, body);
    setText('');
    setEditing(false);
  };
  return (
    <section className="chat" aria-label={`Conversation with ${name}`}>
      <header className="chat-head">
        <button
          type="button"
          className="ghost back"
          onClick={() => session.open(null)}
          aria-label="Back to contacts"
        >
          ←
        </button>
        <Avatar name={name} {...(contact ? { presence: contact.presence } : {})} />
        <div className="grow">
          <h2>{name}</h2>
          <p className="muted">
            {contact ? label(contact.presence) : jid}
            {contact?.presence.note ? ` — ${contact.presence.note}` : ''}
          </p>
        </div>
        <button type="button" className="ghost small" aria-haspopup="dialog" onClick={() => setAdding(true)}>
          Add people
        </button>
      </header>
      {adding && (
        <PeoplePicker
          state={state}
          title={`Add people to your chat with ${name}`}
          intro={`A group chat starts with ${name} and the people you pick.`}
          exclude={[jid]}
          action="Start group chat"
          askName
          onClose={() => setAdding(false)}
          onSubmit={async (people, roomName) => {
            await session.escalate(jid, people, roomName || undefined);
            onEscalated();
          }}
        />
      )}
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the scrollable history must be reachable by keyboard (WCAG 2.1.1) */}
      <div className="messages" role="log" aria-live="polite" aria-label="Messages" tabIndex={0}>
        {state.features.mam && !conversation?.history?.complete && (
          <button
            type="button"
            className="ghost small earlier"
            disabled={conversation?.history?.loading}
            onClick={() => void session.loadEarlier(jid)}
          >
            {conversation?.history?.loading ? 'Loading…' : 'Load earlier messages'}
          </button>
        )}
        {messages.length === 0 && !conversation?.history?.loading && (
          <p className="muted center">No messages yet. Say hello!</p>
        )}
        {messages.map((m) => (
          <div key={`${m.mine ? 'me' : 'them'}:${m.id}`} className={`msg ${m.mine ? 'mine' : 'theirs'}`}>
            <div className="bubble">{m.body}</div>
            <div className="meta">
              {m.delayed ? 'sent while you were away · ' : ''}
              {clock.format(m.at)}
              {m.corrected ? ' · edited' : ''}
              {m.mine && (
                <span className="receipt">{m.state === 'delivered' ? ' · Delivered' : ' · Sent'}</span>
              )}
            </div>
          </div>
        ))}
        <div ref={end} />
      </div>
      <div className="typing" aria-live="polite">
        {conversation?.typing ? `${name} is typing…` : ''}
      </div>
      <form className="composer" onSubmit={submit}>
        <label className="sr-only" htmlFor="composer">
          Message to {name}
        </label>
        <textarea
          id="composer"
          ref={input}
          rows={1}
          value={text}
          placeholder={editing ? 'Edit your last message' : `Message ${name}`}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => stopTyping('paused')}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              submit();
            } else if (e.key === 'ArrowUp' && !text) {
              const last = [...messages].reverse().find((m) => m.mine);
              if (last) {
                e.preventDefault();
                setEditing(true);
                setText(last.body);
              }
            } else if (e.key === 'Escape' && editing) {
              setEditing(false);
              setText('');
            }
          }}
        />
        <button type="submit" className="primary" disabled={!text.trim()}>
          {editing ? 'Save' : 'Send'}
        </button>
      </form>
    </section>
  );
}

function Invitations({ session, state, onJoined }: { session: Session; state: State; onJoined: () => void }) {
  if (!state.invitations.length) return null;
  return (
    <section className="requests" aria-label="Room invitations">
      {state.invitations.map((i) => {
        const from = state.contacts.get(i.from)?.name ?? i.from;
        const room = i.name ?? state.rooms.get(i.room)?.name ?? i.room.split('@')[0]!;
        return (
          <div key={i.room} className="request">
            <span>
              <strong>{from}</strong> invites you to <strong>{room}</strong>
              {i.reason && i.reason !== room ? ` — ${i.reason}` : ''}
            </span>
            <button
              type="button"
              className="primary small"
              aria-label={`Join ${room}`}
              onClick={() => {
                void session.joinRoom(i.room);
                session.open(i.room);
                onJoined();
              }}
            >
              Join
            </button>
            <button
              type="button"
              className="ghost small"
              aria-label={`Decline ${room}`}
              onClick={() => session.declineInvitation(i.room)}
            >
              Decline
            </button>
          </div>
        );
      })}
    </section>
  );
}

function RoomList({ session, state }: { session: Session; state: State }) {
  const [creating, setCreating] = useState(false);
  const list = [...state.rooms.values()].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <div className="rooms-list">
      <div className="pad">
        <button
          type="button"
          className="primary small"
          aria-haspopup="dialog"
          onClick={() => setCreating(true)}
        >
          New room
        </button>
      </div>
      {list.length === 0 && <p className="muted pad">No rooms yet. Create one, or add people to a chat.</p>}
      <ul className="chats" aria-label="Rooms">
        {list.map((r) => (
          <li key={r.jid}>
            <button
              type="button"
              className={`contact-main ${state.active === r.jid ? 'selected' : ''}`}
              onClick={() => session.open(r.jid)}
            >
              <Avatar name={r.name} />
              <span className="contact-text">
                <span className="name">{r.name}</span>
                <span className="muted">
                  {r.status === 'joined'
                    ? r.messages.at(-1)
                      ? `${r.messages.at(-1)!.nick}: ${r.messages.at(-1)!.body}`
                      : `${r.occupants.size} here`
                    : r.status === 'joining'
                      ? 'Joining…'
                      : 'Not joined'}
                </span>
              </span>
              {r.unread > 0 && (
                <span className="badge">
                  {r.unread}
                  <span className="sr-only"> unread</span>
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {creating && (
        <PeoplePicker
          state={state}
          title="New room"
          intro="A members-only room: the people you pick are invited."
          exclude={[]}
          action="Create room"
          askName
          nameRequired
          onClose={() => setCreating(false)}
          onSubmit={async (people, name) => {
            await session.createRoom(name, people);
          }}
        />
      )}
    </div>
  );
}

const ROLE_ORDER = ['moderator', 'participant', 'visitor', 'none'];

function RoomPane({ session, state, room }: { session: Session; state: State; room: Room }) {
  const [text, setText] = useState('');
  const [inviting, setInviting] = useState(false);
  const [showPeople, setShowPeople] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const end = useRef<HTMLDivElement>(null);
  const input = useRef<HTMLTextAreaElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: scroll to the end when a message arrives
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' });
  }, [room.messages.length]);
  useEffect(() => input.current?.focus(), []);
  const occupants = [...room.occupants.values()].sort(
    (a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role) || a.nick.localeCompare(b.nick),
  );
  const nameOf = (nick: string, jid: string | null) =>
    (jid ? state.contacts.get(jid)?.name : undefined) ?? nick;
  const joined = room.status === 'joined';
  // Herald's rooms are members-only: §7.8.2 only owners and admins may invite (unless configured).
  const self = room.occupants.get(room.nick);
  const mayInvite = joined && (self?.affiliation === 'owner' || self?.affiliation === 'admin');
  const submit = (e?: FormEvent) => {
    e?.preventDefault();
    const body = text.trim();
    if (!body || !joined) return;
    void session.sendGroup(room.jid, body);
    setText('');
  };
  return (
    <section className={`chat room ${showPeople ? 'show-people' : ''}`} aria-label={`Room ${room.name}`}>
      <header className="chat-head">
        <button
          type="button"
          className="ghost back"
          onClick={() => session.open(null)}
          aria-label="Back to rooms"
        >
          ←
        </button>
        <Avatar name={room.name} />
        <div className="grow">
          <h2>{room.name}</h2>
          <p className="muted">
            {joined
              ? `${occupants.length} ${occupants.length === 1 ? 'person' : 'people'} here`
              : room.status === 'joining'
                ? 'Joining…'
                : 'Not joined'}
            {room.subject ? ` — ${room.subject}` : ''}
          </p>
        </div>
        <button
          type="button"
          className="ghost small people-toggle"
          aria-expanded={showPeople}
          aria-controls="occupants"
          onClick={() => setShowPeople(!showPeople)}
        >
          People ({occupants.length})
        </button>
        {mayInvite && (
          <button
            type="button"
            className="ghost small"
            aria-haspopup="dialog"
            onClick={() => setInviting(true)}
          >
            Invite
          </button>
        )}
        <button type="button" className="ghost small" onClick={() => void session.leaveRoom(room.jid)}>
          Leave
        </button>
      </header>
      <div className="room-body">
        <div className="room-main">
          {room.error && (
            <p className="error pad" role="alert">
              {room.error}{' '}
              <button type="button" className="ghost small" onClick={() => void session.joinRoom(room.jid)}>
                Try again
              </button>
            </p>
          )}
          {notice && <output className="pad">{notice}</output>}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: the scrollable history must be reachable by keyboard (WCAG 2.1.1) */}
          <div className="messages" role="log" aria-live="polite" aria-label="Room messages" tabIndex={0}>
            {room.messages.length === 0 && joined && (
              <p className="muted center">No messages yet. Say hello!</p>
            )}
            {room.messages.map((m, i) => {
              const prev = room.messages[i - 1];
              const first = !prev || prev.nick !== m.nick;
              const occupant = room.occupants.get(m.nick);
              return (
                <div key={`${m.nick}:${m.id}`} className={`msg ${m.mine ? 'mine' : 'theirs'}`}>
                  {first && !m.mine && <div className="nick">{nameOf(m.nick, occupant?.jid ?? null)}</div>}
                  <div className="bubble">
                    {!m.mine && !first && (
                      <span className="sr-only">{nameOf(m.nick, occupant?.jid ?? null)}: </span>
                    )}
                    {m.body}
                  </div>
                  <div className="meta">
                    {m.history ? 'earlier · ' : ''}
                    {clock.format(m.at)}
                  </div>
                </div>
              );
            })}
            <div ref={end} />
          </div>
          <form className="composer" onSubmit={submit}>
            <label className="sr-only" htmlFor="room-composer">
              Message to {room.name}
            </label>
            <textarea
              id="room-composer"
              ref={input}
              rows={1}
              value={text}
              disabled={!joined}
              placeholder={joined ? `Message ${room.name}` : 'Join the room to send messages'}
              onChange={(e) => setText(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && !e.shiftKey) {
                  e.preventDefault();
                  submit();
                }
              }}
            />
            <button type="submit" className="primary" disabled={!text.trim() || !joined}>
              Send
            </button>
          </form>
        </div>
        <aside id="occupants" className="occupants" aria-label="People in this room">
          <h3>In this room</h3>
          <ul aria-label="Occupants">
            {occupants.map((o) => {
              const name = nameOf(o.nick, o.jid);
              const contact = o.jid ? state.contacts.get(o.jid) : undefined;
              return (
                <li key={o.nick} className="occupant" data-nick={o.nick}>
                  <Avatar name={name} {...(contact ? { presence: contact.presence } : {})} />
                  <span className="contact-text">
                    <span className="name">
                      {name}
                      {o.nick === room.nick ? ' (you)' : ''}
                    </span>
                    <span className="muted">
                      {o.affiliation !== 'none' ? `${o.affiliation} · ` : ''}
                      {o.role}
                    </span>
                  </span>
                </li>
              );
            })}
          </ul>
        </aside>
      </div>
      {inviting && (
        <PeoplePicker
          state={state}
          title={`Invite people to ${room.name}`}
          intro="They get an invitation to join."
          exclude={occupants.map((o) => o.jid).filter((j): j is string => !!j)}
          action="Send invitations"
          onClose={() => setInviting(false)}
          onSubmit={async (people) => {
            await session.inviteToRoom(room.jid, people);
            setNotice(`Invited ${people.map((p) => state.contacts.get(p)?.name ?? p).join(', ')}.`);
          }}
        />
      )}
    </section>
  );
}

/** A modal dialog to pick contacts (and a room name): create, escalate and invite. */
function PeoplePicker(props: {
  state: State;
  title: string;
  intro: string;
  exclude: readonly string[];
  action: string;
  askName?: boolean;
  nameRequired?: boolean;
  onClose: () => void;
  onSubmit: (people: string[], name: string) => Promise<void>;
}) {
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const first = useRef<HTMLInputElement>(null);
  useEffect(() => {
    // Focus into the dialog, and back to what opened it when it closes.
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    first.current?.focus();
    return () => {
      if (opener?.isConnected) opener.focus();
    };
  }, []);
  const f = filter.trim().toLowerCase();
  const contacts = [...props.state.contacts.values()]
    .filter((c) => !props.exclude.includes(c.jid))
    .filter((c) => !f || c.name.toLowerCase().includes(f) || c.jid.includes(f))
    .sort((a, b) => a.name.localeCompare(b.name));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (props.nameRequired && !name.trim()) {
      setError('Give the room a name.');
      return;
    }
    if (picked.size === 0 && !props.askName) {
      setError('Pick at least one person.');
      return;
    }
    if (props.nameRequired && picked.size === 0) {
      setError('Pick at least one person to invite.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await props.onSubmit([...picked], name.trim());
      props.onClose();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <div className="overlay">
      <form
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="picker-title"
        onSubmit={submit}
        onKeyDown={(e) => e.key === 'Escape' && props.onClose()}
      >
        <h2 id="picker-title">{props.title}</h2>
        <p className="muted">{props.intro}</p>
        {props.askName && (
          <label>
            Room name{props.nameRequired ? '' : ' (optional)'}
            <input ref={first} value={name} maxLength={128} onChange={(e) => setName(e.target.value)} />
          </label>
        )}
        <label>
          Filter contacts
          <input
            ref={props.askName ? undefined : first}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
          />
        </label>
        <fieldset className="pick">
          <legend>People</legend>
          {contacts.length === 0 && <p className="muted">No contacts to add.</p>}
          {contacts.map((c) => (
            <label key={c.jid} className="check person">
              <input
                type="checkbox"
                checked={picked.has(c.jid)}
                onChange={(e) => {
                  const next = new Set(picked);
                  if (e.target.checked) next.add(c.jid);
                  else next.delete(c.jid);
                  setPicked(next);
                }}
              />
              <Avatar name={c.name} presence={c.presence} />
              <span className="contact-text">
                <span className="name">{c.name}</span>
                <span className="muted">{label(c.presence)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <div className="row">
          <button type="button" className="ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Working…' : props.action}
          </button>
        </div>
      </form>
    </div>
  );
}

function AddContact({ session, onClose }: { session: Session; onClose: () => void }) {
  const [q, setQ] = useState('');
  const [results, setResults] = useState<DirectoryEntry[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const domain = session.state.me.jid.split('@')[1] ?? '';
  const search = useRef<HTMLInputElement>(null);
  useEffect(() => search.current?.focus(), []);
  useEffect(() => {
    if (q.trim().length < 1) {
      setResults([]);
      return;
    }
    const t = setTimeout(() => {
      session
        .searchDirectory(q.trim())
        .then(setResults)
        .catch((e: unknown) => setMessage(e instanceof Error ? e.message : String(e)));
    }, 200);
    return () => clearTimeout(t);
  }, [q, session]);
  return (
    <div className="overlay">
      <div
        className="dialog card"
        role="dialog"
        aria-modal="true"
        aria-labelledby="add-title"
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <h2 id="add-title">Add a contact</h2>
        <label>
          Search the directory
          <input ref={search} value={q} onChange={(e) => setQ(e.target.value)} placeholder="Name or number" />
        </label>
        <ul className="results" aria-label="Directory results">
          {results.map((r) => {
            const jid = `${r.username}@${domain}`;
            const known = session.state.contacts.has(jid) || r.username === session.state.me.username;
            return (
              <li key={r.username}>
                <Avatar name={r.displayName} />
                <span className="contact-text">
                  <span className="name">{r.displayName}</span>
                  <span className="muted">{r.numbers.map((n) => n.number).join(', ') || r.username}</span>
                </span>
                <button
                  type="button"
                  className="primary small"
                  disabled={known}
                  onClick={() =>
                    void session
                      .addContact(jid, r.displayName, 'Contacts')
                      .then(() => setMessage(`Request sent to ${r.displayName}.`))
                  }
                >
                  {known ? 'Added' : 'Add'}
                </button>
              </li>
            );
          })}
        </ul>
        {message && <output>{message}</output>}
        <div className="row">
          <button type="button" className="ghost" onClick={onClose}>
            Close
          </button>
        </div>
      </div>
    </div>
  );
}

let audio: AudioContext | null = null;
/** A short two-tone chime with WebAudio (no file to fetch). */
function beep(): void {
  try {
    audio ??= new AudioContext();
    const now = audio.currentTime;
    for (const [i, f] of [880, 1320].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = f;
      gain.gain.setValueAtTime(0.08, now + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.001, now + i * 0.12 + 0.18);
      osc.connect(gain).connect(audio.destination);
      osc.start(now + i * 0.12);
      osc.stop(now + i * 0.12 + 0.2);
    }
  } catch {
    // Audio may be blocked until the user interacts; the notification still shows.
  }
}
