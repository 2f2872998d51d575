/**
 * SessionRegistry (core/ports.ts) kept in this process's memory: the single-node registry of live
 * endpoints (DESIGN.md "Who owns which state"; Redis takes this place in a cluster).
 */
import type { Endpoint, SessionChange, SessionListener, SessionRegistry, UserId } from '../../core/ports.js';
import { conflict, notFound } from '../../kernel/errors.js';
import { checkEndpoint, checkSameEndpoint, frozenEndpoint } from './endpoint-checks.js';

export interface MemorySessionRegistryOptions {
  /** Told when a listener throws; the change itself stands and the other listeners still run. */
  readonly onListenerError?: (error: unknown) => void;
}

const byId = (a: Endpoint, b: Endpoint): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A user's endpoints by resource: the endpoint itself while there is one (most users have one
 * phone or one client), a Map from the second on — a Map each cost ~180 bytes per user
 * (docs/performance.md, SIP memory).
 */
type UserEndpoints = Endpoint | Map<string, Endpoint>;

const endpointAt = (held: UserEndpoints | undefined, resource: string): Endpoint | undefined =>
  held instanceof Map ? held.get(resource) : held?.resource === resource ? held : undefined;

export class MemorySessionRegistry implements SessionRegistry {
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #byUser = new Map<UserId, UserEndpoints>();
  readonly #listeners = new Set<SessionListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: MemorySessionRegistryOptions = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  async add(endpoint: Endpoint): Promise<void> {
    checkEndpoint(endpoint);
    if (this.#endpoints.has(endpoint.id)) throw conflict(`endpoint ${endpoint.id} is registered`, 'id');
    const held = this.#byUser.get(endpoint.userId);
    if (endpointAt(held, endpoint.resource))
      throw conflict(`user ${endpoint.userId} already has resource ${endpoint.resource}`, 'resource');
    const stored = frozenEndpoint(endpoint);
    this.#endpoints.set(stored.id, stored);
    if (held === undefined) this.#byUser.set(stored.userId, stored);
    else if (held instanceof Map) held.set(stored.resource, stored);
    else
      this.#byUser.set(
        stored.userId,
        new Map([
          [held.resource, held],
          [stored.resource, stored],
        ]),
      );
    this.#emit({ kind: 'added', endpoint: stored });
  }

  async update(endpoint: Endpoint): Promise<void> {
    checkEndpoint(endpoint);
    const previous = this.#endpoints.get(endpoint.id);
    if (!previous) throw notFound(`no endpoint ${endpoint.id}`, 'id');
    checkSameEndpoint(previous, endpoint);
    const stored = frozenEndpoint(endpoint);
    this.#endpoints.set(stored.id, stored);
    const held = this.#byUser.get(stored.userId);
    if (held instanceof Map) held.set(stored.resource, stored);
    else this.#byUser.set(stored.userId, stored);
    this.#emit({ kind: 'updated', endpoint: stored, previous });
  }

  async remove(id: string): Promise<boolean> {
    const endpoint = this.#endpoints.get(id);
    if (!endpoint) return false;
    this.#endpoints.delete(id);
    const held = this.#byUser.get(endpoint.userId);
    if (held instanceof Map) {
      held.delete(endpoint.resource);
      if (held.size === 1) this.#byUser.set(endpoint.userId, held.values().next().value as Endpoint);
    } else this.#byUser.delete(endpoint.userId);
    this.#emit({ kind: 'removed', endpoint });
    return true;
  }

  async get(id: string): Promise<Endpoint | undefined> {
    return this.#endpoints.get(id);
  }

  async endpointsOf(userId: UserId): Promise<Endpoint[]> {
    const held = this.#byUser.get(userId);
    if (held === undefined) return [];
    return held instanceof Map ? [...held.values()].sort(byId) : [held];
  }

  onChange(listener: SessionListener): () => void {
    // A wrapper, so that the same function registered twice is also called (and stopped) twice.
    const entry: SessionListener = (change) => listener(change);
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  #emit(change: SessionChange): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(change);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
