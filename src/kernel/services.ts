import { HeraldError } from './errors.js';

/** A typed name under which one owner publishes a service (ctx.provide / ctx.use). */
export interface ServiceKey<T> {
  readonly name: string;
  /** Phantom: carries the type, never set. */
  readonly __type?: T;
}

export const serviceKey = <T>(name: string): ServiceKey<T> => ({ name });

/** Services for all domains use this scope. */
export const GLOBAL_SCOPE = '*';

/** One owner per key and scope: a second `provide` fails at start (DESIGN.md, Modules). */
export class ServiceRegistry {
  #services = new Map<string, { owner: string; value: unknown }>();

  provide<T>(key: ServiceKey<T>, value: T, owner: string, scope = GLOBAL_SCOPE): void {
    const id = `${scope}\u0000${key.name}`;
    const existing = this.#services.get(id);
    if (existing)
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `service ${key.name} is already provided by ${existing.owner}; ${owner} cannot provide it too`,
        key.name,
      );
    this.#services.set(id, { owner, value });
  }

  /** The service for `scope`, else the global one. */
  find<T>(key: ServiceKey<T>, scope = GLOBAL_SCOPE): T | undefined {
    const entry =
      this.#services.get(`${scope}\u0000${key.name}`) ??
      this.#services.get(`${GLOBAL_SCOPE}\u0000${key.name}`);
    return entry?.value as T | undefined;
  }

  get<T>(key: ServiceKey<T>, scope = GLOBAL_SCOPE): T {
    const value = this.find(key, scope);
    if (value === undefined)
      throw new HeraldError('HERALD_ERR_MODULE', `no module provides service ${key.name}`, key.name);
    return value;
  }

  withdraw(owner: string): void {
    for (const [id, entry] of this.#services) if (entry.owner === owner) this.#services.delete(id);
  }
}
