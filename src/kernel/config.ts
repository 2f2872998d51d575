/**
 * Configuration: an optional YAML file, then `HERALD_*` environment overrides, validated against the
 * kernel schema composed with every module's options. The result is deep-frozen. Any unknown key or
 * bad value is one HeraldError('HERALD_ERR_CONFIG') naming the key: the CLI prints it and exits 2.
 */
import { readFileSync } from 'node:fs';
import { type TObject, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { parse as parseYaml } from 'yaml';
import { ENV_NON_CONFIG, ENV_OVERRIDES, type KernelConfig, KernelConfigSchema } from './config-schema.js';
import { HeraldError } from './errors.js';

export interface ModuleOptionsSchemas {
  readonly [moduleName: string]: TObject;
}

/** Options every module has besides its own. */
const moduleCommonOptions = {
  enabled: Type.Boolean({ default: true }),
  domains: Type.Optional(
    Type.Array(Type.String(), { description: 'served domains it runs for; default all' }),
  ),
};

export interface ModuleConfig {
  readonly enabled: boolean;
  readonly domains?: readonly string[];
  readonly [option: string]: unknown;
}

export type Config = Readonly<Omit<KernelConfig, 'modules'>> & {
  readonly modules: Readonly<Record<string, ModuleConfig>>;
};

export function composeConfigSchema(modules: ModuleOptionsSchemas): TObject {
  const moduleProperties: Record<string, TSchema> = {};
  for (const [name, options] of Object.entries(modules)) {
    moduleProperties[name] = Type.Object(
      { ...options.properties, ...moduleCommonOptions },
      { default: {}, additionalProperties: false },
    );
  }
  return Type.Object(
    {
      ...KernelConfigSchema.properties,
      modules: Type.Object(moduleProperties, { default: {}, additionalProperties: false }),
    },
    { additionalProperties: false },
  );
}

export interface LoadConfigInput {
  /** YAML file path; undefined = embedded default. */
  file?: string | undefined;
  env?: Readonly<Record<string, string | undefined>>;
  modules?: ModuleOptionsSchemas;
}

export function loadConfig(input: LoadConfigInput = {}): Config {
  const raw = input.file === undefined ? {} : readYamlFile(input.file);
  applyEnv(raw, input.env ?? {});
  return validateConfig(raw, input.modules ?? {});
}

export function validateConfig(raw: unknown, modules: ModuleOptionsSchemas): Config {
  const schema = composeConfigSchema(modules);
  const value = Value.Convert(schema, Value.Default(schema, structuredClone(raw ?? {})));
  const first = Value.Errors(schema, value).First();
  if (first) {
    const key = first.path.replace(/^\//, '').split('/').join('.') || '(root)';
    const got = first.value === undefined ? '' : ` (got ${JSON.stringify(first.value)})`;
    const message = first.message.startsWith('Unexpected property') ? 'unknown key' : first.message;
    throw new HeraldError('HERALD_ERR_CONFIG', `config: ${key}: ${lower(message)}${got}`, key);
  }
  return deepFreeze(value) as Config;
}

function readYamlFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HeraldError(
      'HERALD_ERR_CONFIG',
      `config: cannot read ${file}: ${(error as Error).message}`,
      file,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text, { maxAliasCount: 100 });
  } catch (error) {
    const firstLine = (error as Error).message.split('\n')[0];
    throw new HeraldError('HERALD_ERR_CONFIG', `config: ${file} is not valid YAML: ${firstLine}`, file);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed))
    throw new HeraldError('HERALD_ERR_CONFIG', `config: ${file} must be a mapping of keys`, file);
  return parsed as Record<string, unknown>;
}

function applyEnv(raw: Record<string, unknown>, env: Readonly<Record<string, string | undefined>>): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('HERALD_') || value === undefined || ENV_NON_CONFIG.includes(name)) continue;
    const key = ENV_OVERRIDES[name];
    if (!key)
      throw new HeraldError('HERALD_ERR_CONFIG', `config: ${name}: unknown environment variable`, name);
    setPath(raw, key.split('.'), value);
  }
}

function setPath(target: Record<string, unknown>, path: string[], value: string): void {
  const [head, ...rest] = path;
  if (head === undefined) return;
  if (rest.length === 0) {
    target[head] = value;
    return;
  }
  const child = target[head];
  const next = typeof child === 'object' && child !== null ? (child as Record<string, unknown>) : {};
  target[head] = next;
  setPath(next, rest, value);
}

const lower = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1);

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
