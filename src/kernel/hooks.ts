/**
 * The hook bus: the one way modules plug into each other's flows (Prosody's module:hook, ejabberd's
 * ejabberd_hooks). Three kinds, each with a typed key:
 * - handle: handlers run by descending priority; the first that returns a value wins.
 * - filter: each handler may transform the payload or drop it (return null).
 * - notify: every listener runs; one listener's failure is reported, never propagated.
 */
export type HookKind = 'handle' | 'filter' | 'notify';

export interface HookKey<Kind extends HookKind, Payload, Result = void> {
  readonly name: string;
  readonly kind: Kind;
  /** Phantom fields carrying the types; never set. */
  readonly __payload?: Payload;
  readonly __result?: Result;
}

export const handleHook = <P, R>(name: string): HookKey<'handle', P, R> => ({ name, kind: 'handle' });
export const filterHook = <P>(name: string): HookKey<'filter', P, P> => ({ name, kind: 'filter' });
export const notifyHook = <P>(name: string): HookKey<'notify', P> => ({ name, kind: 'notify' });

type Awaitable<T> = T | Promise<T>;
type AnyFn = (payload: never) => unknown;

interface Entry {
  fn: AnyFn;
  priority: number;
  seq: number;
}

export type Unhook = () => void;

export class Hooks {
  #entries = new Map<string, Entry[]>();
  #seq = 0;
  readonly #onListenerError: (hook: string, error: unknown) => void;

  constructor(onListenerError: (hook: string, error: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  handle<P, R>(
    key: HookKey<'handle', P, R>,
    handler: (payload: P) => Awaitable<R | undefined>,
    priority = 0,
  ): Unhook {
    return this.#add(key, handler, priority);
  }

  filter<P>(
    key: HookKey<'filter', P, P>,
    handler: (payload: P) => Awaitable<P | null>,
    priority = 0,
  ): Unhook {
    return this.#add(key, handler, priority);
  }

  on<P>(key: HookKey<'notify', P>, listener: (payload: P) => Awaitable<void>, priority = 0): Unhook {
    return this.#add(key, listener, priority);
  }

  /** Runs handlers until one returns something other than undefined. Handler errors propagate. */
  async run<P, R>(key: HookKey<'handle', P, R>, payload: P): Promise<R | undefined> {
    for (const entry of this.#list(key.name)) {
      const result = await (entry.fn as (p: P) => Awaitable<R | undefined>)(payload);
      if (result !== undefined) return result;
    }
    return undefined;
  }

  /** Passes the payload through every filter; null means a filter dropped it. */
  async apply<P>(key: HookKey<'filter', P, P>, payload: P): Promise<P | null> {
    let current: P | null = payload;
    for (const entry of this.#list(key.name)) {
      current = await (entry.fn as (p: P) => Awaitable<P | null>)(current);
      if (current === null) return null;
    }
    return current;
  }

  /** Tells every listener; a listener that throws is reported and the others still run. */
  async notify<P>(key: HookKey<'notify', P>, payload: P): Promise<void> {
    for (const entry of this.#list(key.name)) {
      try {
        await (entry.fn as (p: P) => Awaitable<void>)(payload);
      } catch (error) {
        this.#onListenerError(key.name, error);
      }
    }
  }

  count(key: HookKey<HookKind, unknown, unknown>): number {
    return this.#entries.get(key.name)?.length ?? 0;
  }

  #list(name: string): readonly Entry[] {
    return this.#entries.get(name) ?? [];
  }

  #add(key: HookKey<HookKind, unknown, unknown>, fn: AnyFn, priority: number): Unhook {
    const entry: Entry = { fn, priority, seq: this.#seq++ };
    // Copy on write: a handler that unhooks during a run does not disturb that run.
    const next = [...this.#list(key.name), entry].sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    this.#entries.set(key.name, next);
    return () => {
      const remaining = this.#list(key.name).filter((e) => e !== entry);
      this.#entries.set(key.name, remaining);
    };
  }
}
