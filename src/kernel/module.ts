/**
 * A feature is a module (Prosody's modules, ejabberd's gen_mod): a manifest — name, dependencies,
 * the specs it implements, an options schema with defaults and limits — and a setup function that
 * registers handlers through its context and may return a teardown.
 */
import { type Static, type TObject, Type } from '@sinclair/typebox';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Hooks } from './hooks.js';
import type { IdSource } from './ids.js';
import type { Logger } from './log.js';
import type { Metrics } from './metrics.js';
import type { ServiceKey } from './services.js';

export type Teardown = () => void | Promise<void>;

export interface ModuleContext<Options> {
  /** The module's name. */
  readonly module: string;
  /** The served domain this instance of the module runs for. */
  readonly domain: string;
  readonly options: Readonly<Options>;
  readonly config: Config;
  readonly log: Logger;
  readonly metrics: Metrics;
  readonly clock: Clock;
  readonly ids: IdSource;
  readonly hooks: Hooks;
  /** Publishes a service for this domain; a second owner of the same key fails at start. */
  provide<T>(key: ServiceKey<T>, service: T): void;
  /** A service published by the composition root or a module this one requires. */
  use<T>(key: ServiceKey<T>): T;
}

export interface ModuleDefinition<S extends TObject = TObject> {
  readonly name: string;
  readonly description: string;
  /** Modules that must be set up first (and enabled). */
  readonly requires: readonly string[];
  /** What it implements: 'RFC 6120', 'XEP-0199', 'SPEC U3' … (docs and disco come from this). */
  readonly specs: readonly string[];
  readonly options: S;
  setup(ctx: ModuleContext<Static<S>>): void | Teardown | Promise<void | Teardown>;
}

export interface ModuleInput<S extends TObject> {
  name: string;
  description: string;
  requires?: readonly string[];
  specs?: readonly string[];
  options?: S;
  setup(ctx: ModuleContext<Static<S>>): void | Teardown | Promise<void | Teardown>;
}

const MODULE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

export function defineModule<S extends TObject = TObject>(input: ModuleInput<S>): ModuleDefinition<S> {
  if (!MODULE_NAME.test(input.name))
    throw new Error(`module name ${JSON.stringify(input.name)} is not kebab-case`);
  return Object.freeze({
    name: input.name,
    description: input.description,
    requires: Object.freeze([...(input.requires ?? [])]),
    specs: Object.freeze([...(input.specs ?? [])]),
    options: input.options ?? (Type.Object({}) as unknown as S),
    setup: input.setup,
  });
}
