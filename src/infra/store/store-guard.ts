/**
 * Store transaction discipline (core/ports.ts `Store.transaction`): transactions do not nest and,
 * inside one, only the stores handed to `work` may be used. Both adapters enforce it the same way,
 * so a misuse fails fast with a coded error instead of deadlocking (SQLite has one connection,
 * the memory store one writer) or silently escaping the transaction (PostgreSQL's pool).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { HeraldError } from '../../kernel/errors.js';

interface TransactionScope {
  active: boolean;
}

type Method = (...args: unknown[]) => unknown;

/** Wraps every method of `target` so that `check` runs first; a failed check rejects the call. */
function guarded<T extends object>(target: T, check: () => void): T {
  // One wrapper per method, made on first use (a store call is on every SIP request's path), and
  // made again if the method was replaced.
  const wrappers = new Map<PropertyKey, { readonly method: Method; readonly wrapper: Method }>();
  return new Proxy(target, {
    get(object, property) {
      const value: unknown = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      const known = wrappers.get(property);
      if (known?.method === value) return known.wrapper;
      const method = value as Method;
      const wrapper: Method = (...args) => {
        try {
          check();
        } catch (error) {
          return Promise.reject(error);
        }
        return Reflect.apply(method, object, args);
      };
      wrappers.set(property, { method, wrapper });
      return wrapper;
    },
  });
}

export class StoreGuard {
  #isClosed = false;
  readonly #scopes = new AsyncLocalStorage<TransactionScope>();

  get isClosed(): boolean {
    return this.#isClosed;
  }

  /** Refuses when the store is closed or when called from inside a running transaction. */
  checkOutside(): void {
    if (this.#isClosed) throw new HeraldError('HERALD_ERR_UNAVAILABLE', 'the store is closed');
    if (this.#scopes.getStore()?.active) {
      throw new HeraldError(
        'HERALD_ERR_INTERNAL',
        'inside a transaction use only the stores handed to work; transactions do not nest',
      );
    }
  }

  /** The store's own account and directory stores: usable outside transactions only. */
  outer<T extends object>(store: T): T {
    return guarded(store, () => this.checkOutside());
  }

  /**
   * Runs `body` in a transaction scope. `bind` guards the transaction's stores so that they
   * refuse once the transaction is over (a store kept past `work` would write outside it).
   */
  async transaction<T>(body: (bind: <S extends object>(store: S) => S) => Promise<T>): Promise<T> {
    this.checkOutside();
    const scope: TransactionScope = { active: true };
    const bind = <S extends object>(store: S): S =>
      guarded(store, () => {
        if (!scope.active) throw new HeraldError('HERALD_ERR_INTERNAL', 'the transaction is over');
      });
    try {
      return await this.#scopes.run(scope, () => body(bind));
    } finally {
      scope.active = false;
    }
  }

  /** Marks the store closed; true the first time. */
  close(): boolean {
    const wasOpen = !this.#isClosed;
    this.#isClosed = true;
    return wasOpen;
  }
}
