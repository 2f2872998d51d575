/**
 * The HTTP entry point modules register with (DESIGN.md, Modules): each module adds a named group
 * of Fastify routes; a second owner of a name fails at start. Listeners are built from the groups.
 */
import type { FastifyInstance } from 'fastify';
import { HeraldError } from '../kernel/errors.js';
import { serviceKey } from '../kernel/services.js';

export interface HttpRouteGroup {
  /** Unique name, usually the module's. */
  readonly name: string;
  /** Whether every route of the group needs an authenticated principal (default true). */
  readonly authenticated?: boolean;
  /**
   * Where the group's routes are mounted (default '/api/v1'); '' mounts them at the root, for
   * URLs that are not part of the REST API (XEP-0363 upload URLs).
   */
  readonly prefix?: string;
  register(app: FastifyInstance): void | Promise<void>;
}

export class HttpRouteRegistry {
  readonly #groups = new Map<string, HttpRouteGroup>();

  add(group: HttpRouteGroup): void {
    if (this.#groups.has(group.name))
      throw new HeraldError(
        'HERALD_ERR_MODULE',
        `HTTP route group ${group.name} is registered twice`,
        group.name,
      );
    this.#groups.set(group.name, group);
  }

  remove(name: string): void {
    this.#groups.delete(name);
  }

  get groups(): readonly HttpRouteGroup[] {
    return [...this.#groups.values()];
  }
}

export const httpRoutesKey = serviceKey<HttpRouteRegistry>('http.routes');
