/**
 * Sets modules up in dependency order, once per served domain they are enabled for, and tears them
 * down in reverse order. Wiring mistakes (unknown or disabled dependency, cycle, duplicate name or
 * service owner) fail at start with HERALD_ERR_MODULE.
 */
import type { Clock } from './clock.js';
import type { Config, ModuleConfig, ModuleOptionsSchemas } from './config.js';
import { HeraldError } from './errors.js';
import type { Hooks } from './hooks.js';
import type { IdSource } from './ids.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { ModuleContext, ModuleDefinition, Teardown } from './module.js';
import type { ServiceRegistry } from './services.js';

export interface KernelServices {
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly hooks: Hooks;
  readonly services: ServiceRegistry;
}

export interface LoadedModule {
  readonly name: string;
  readonly domains: readonly string[];
}

export function moduleOptionSchemas(modules: readonly ModuleDefinition[]): ModuleOptionsSchemas {
  return Object.fromEntries(modules.map((m) => [m.name, m.options]));
}

/** Dependency order (requires first); throws on unknown names and cycles. Pure. */
export function orderModules(modules: readonly ModuleDefinition[]): ModuleDefinition[] {
  const byName = new Map<string, ModuleDefinition>();
  for (const m of modules) {
    if (byName.has(m.name))
      throw new HeraldError('HERALD_ERR_MODULE', `module ${m.name} is defined twice`, m.name);
    byName.set(m.name, m);
  }
  const ordered: ModuleDefinition[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: ModuleDefinition, path: string[]): void => {
    if (state.get(m.name) === 'done') return;
    if (state.get(m.name) === 'visiting')
      throw new HeraldError('HERALD_ERR_MODULE', `module dependency cycle: ${[...path, m.name].join(' → ')}`);
    state.set(m.name, 'visiting');
    for (const dep of m.requires) {
      const target = byName.get(dep);
      if (!target)
        throw new HeraldError('HERALD_ERR_MODULE', `module ${m.name} requires unknown module ${dep}`, dep);
      visit(target, [...path, m.name]);
    }
    state.set(m.name, 'done');
    ordered.push(m);
  };
  for (const m of modules) visit(m, []);
  return ordered;
}

export class ModuleLoader {
  readonly #modules: readonly ModuleDefinition[];
  readonly #kernel: KernelServices;
  readonly #domains: readonly string[];
  #teardowns: { name: string; teardown: Teardown }[] = [];
  #loaded: LoadedModule[] = [];

  constructor(modules: readonly ModuleDefinition[], kernel: KernelServices, domains: readonly string[]) {
    this.#modules = modules;
    this.#kernel = kernel;
    this.#domains = domains;
  }

  get loaded(): readonly LoadedModule[] {
    return this.#loaded;
  }

  async start(): Promise<void> {
    const ordered = orderModules(this.#modules);
    const domainsOf = new Map(ordered.map((m) => [m.name, this.#enabledDomains(m)]));
    for (const m of ordered) {
      const domains = domainsOf.get(m.name) ?? [];
      for (const dep of m.requires) {
        const missing = domains.filter((d) => !(domainsOf.get(dep) ?? []).includes(d));
        if (missing.length > 0)
          throw new HeraldError(
            'HERALD_ERR_MODULE',
            `module ${m.name} requires ${dep}, which is not enabled for ${missing.join(', ')}`,
            `modules.${dep}.enabled`,
          );
      }
    }
    try {
      for (const m of ordered) {
        const domains = domainsOf.get(m.name) ?? [];
        for (const domain of domains) {
          const teardown = await m.setup(this.#context(m, domain));
          if (typeof teardown === 'function') this.#teardowns.push({ name: m.name, teardown });
        }
        if (domains.length > 0) this.#loaded.push({ name: m.name, domains });
      }
    } catch (error) {
      await this.stop();
      throw error;
    }
  }

  /** Teardowns in reverse order; one failing teardown is logged and the rest still run. */
  async stop(): Promise<void> {
    const teardowns = this.#teardowns.reverse();
    this.#teardowns = [];
    for (const { name, teardown } of teardowns) {
      try {
        await teardown();
      } catch (error) {
        this.#kernel.log.error({ err: error, module: name }, 'module teardown failed');
      }
      this.#kernel.services.withdraw(name);
    }
    this.#loaded = [];
  }

  #enabledDomains(m: ModuleDefinition): string[] {
    const options = this.#kernel.config.modules[m.name];
    if (options && !options.enabled) return [];
    const only = options?.domains;
    return only ? this.#domains.filter((d) => only.includes(d)) : [...this.#domains];
  }

  #context(m: ModuleDefinition, domain: string): ModuleContext<Record<string, unknown>> {
    const { config, log, metrics, clock, ids, hooks, services } = this.#kernel;
    const {
      enabled: _enabled,
      domains: _domains,
      ...options
    } = (config.modules[m.name] ?? {}) as ModuleConfig;
    return {
      module: m.name,
      domain,
      options,
      config,
      log: log.child({ module: m.name, domain }),
      metrics,
      clock,
      ids,
      hooks,
      provide: (key, service) => services.provide(key, service, m.name, domain),
      use: (key) => services.get(key, domain),
    };
  }
}
