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

export class MemorySessionRegistry implements SessionRegistry {
  readonly #endpoints = new Map<string, Endpoint>();
  readonly #byUser = new Map<UserId, Map<string, Endpoint>>(); // userId → resource → endpoint
  readonly #listeners = new Set<SessionListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(options: MemorySessionRegistryOptions = {}) {
    this.#onListenerError = options.onListenerError ?? (() => {});
  }

  async add(endpoint: Endpoint): Promise<void> {
    checkEndpoint(endpoint);
    if (this.#endpoints.has(endpoint.id)) throw conflict(`endpoint ${endpoint.id} is registered`, 'id');
    const resources = this.#byUser.get(endpoint.userId) ?? new Map<string, Endpoint>();
    if (resources.has(endpoint.resource))
      throw conflict(`user ${endpoint.userId} already has resource ${endpoint.resource}`, 'resource');
    const stored = frozenEndpoint(endpoint);
    this.#endpoints.set(stored.id, stored);
    this.#byUser.set(stored.userId, resources.set(stored.resource, stored));
    this.#emit({ kind: 'added', endpoint: stored });
  }

  async update(endpoint: Endpoint): Promise<void> {
    checkEndpoint(endpoint);
    const previous = this.#endpoints.get(endpoint.id);
    if (!previous) throw notFound(`no endpoint ${endpoint.id}`, 'id');
    checkSameEndpoint(previous, endpoint);
    const stored = frozenEndpoint(endpoint);
    this.#endpoints.set(stored.id, stored);
    this.#byUser.get(stored.userId)?.set(stored.resource, stored);
    this.#emit({ kind: 'updated', endpoint: stored, previous });
  }

  async remove(id: string): Promise<boolean> {
    const endpoint = this.#endpoints.get(id);
    if (!endpoint) return false;
    this.#endpoints.delete(id);
    const resources = this.#byUser.get(endpoint.userId);
    resources?.delete(endpoint.resource);
    if (resources?.size === 0) this.#byUser.delete(endpoint.userId);
    this.#emit({ kind: 'removed', endpoint });
    return true;
  }

  async get(id: string): Promise<Endpoint | undefined> {
    return this.#endpoints.get(id);
  }

  async endpointsOf(userId: UserId): Promise<Endpoint[]> {
    return [...(this.#byUser.get(userId)?.values() ?? [])].sort(byId);
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
