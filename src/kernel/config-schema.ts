/**
 * The kernel's configuration schema: the keys every Herald node has, with defaults and limits.
 * Modules add their own options under `modules.<name>` (see config.ts).
 */
import { type Static, type TSchema, Type } from '@sinclair/typebox';

const port = (defaultPort: number, description: string) =>
  Type.Integer({ default: defaultPort, minimum: 0, maximum: 65535, description: `${description} (0 = off)` });

const section = <T extends Record<string, TSchema>>(properties: T) =>
  Type.Object(properties, { default: {}, additionalProperties: false });

/** RFC 1035 host name, lower case (also accepts "localhost"). */
export const DOMAIN_PATTERN =
  '^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$';

export const KernelConfigSchema = Type.Object(
  {
    domain: Type.String({ default: 'localhost', pattern: DOMAIN_PATTERN, description: 'the served domain' }),
    dataDir: Type.String({
      default: './data',
      minLength: 1,
      description: 'SQLite database, certificate, files',
    }),
    bind: Type.String({ default: '0.0.0.0', minLength: 1, description: 'address every listener binds' }),
    database: section({
      url: Type.String({ default: '', description: 'postgres:// URL; empty = SQLite in dataDir' }),
      poolSize: Type.Integer({ default: 10, minimum: 1, maximum: 200 }),
    }),
    redis: section({ url: Type.String({ default: '', description: 'redis:// URL; turns on clustering' }) }),
    tls: section({
      cert: Type.String({ default: '', description: 'PEM certificate file; empty = self-signed in dataDir' }),
      key: Type.String({ default: '', description: 'PEM private key file' }),
    }),
    http: section({
      port: port(8080, 'HTTP port'),
      tlsPort: port(8443, 'HTTPS port'),
      bodyLimit: Type.Integer({ default: 1_048_576, minimum: 1024, maximum: 67_108_864 }),
    }),
    xmpp: section({ port: port(5222, 'XMPP c2s, STARTTLS'), tlsPort: port(5223, 'XMPP c2s, direct TLS') }),
    sip: section({ port: port(5060, 'SIP UDP and TCP'), tlsPort: port(5061, 'SIP TLS') }),
    auth: section({
      minPasswordLength: Type.Integer({ default: 8, minimum: 1, maximum: 128 }),
      tokenTtlSeconds: Type.Integer({ default: 86_400, minimum: 60, maximum: 2_592_000 }),
      failuresPerMinute: Type.Integer({
        default: 10,
        minimum: 1,
        maximum: 10_000,
        description: 'failed logins allowed per account in a minute',
      }),
      ipFailuresPerMinute: Type.Integer({
        default: 30,
        minimum: 1,
        maximum: 100_000,
        description: 'failed logins allowed per client address in a minute (offices share addresses)',
      }),
    }),
    messaging: section({
      forkPolicy: Type.Union([Type.Literal('lock-on-reply'), Type.Literal('all')], {
        default: 'lock-on-reply',
        description: 'SPEC M2: fork to all resources, and lock on the one that replies (XEP-0296) or not',
      }),
      offlineQuota: Type.Integer({
        default: 1000,
        minimum: 0,
        maximum: 100_000,
        description: 'offline messages per user',
      }),
    }),
    archive: section({
      retentionDays: Type.Integer({
        default: 0,
        minimum: 0,
        maximum: 36_500,
        description: 'SPEC M5: archived messages older than this are pruned hourly; 0 keeps them',
      }),
      maxPageSize: Type.Integer({
        default: 250,
        minimum: 1,
        maximum: 1000,
        description: 'XEP-0313/XEP-0059: the most messages one history page returns',
      }),
    }),
    compliance: section({
      sink: Type.Union([Type.Literal('none'), Type.Literal('postgres'), Type.Literal('webhook')], {
        default: 'none',
        description: 'SPEC M7: where a copy of every message goes (docs/compliance.md)',
      }),
      url: Type.String({
        default: '',
        description: 'postgres:// URL of the compliance database, or the webhook http(s):// URL',
      }),
      required: Type.Boolean({
        default: false,
        description: 'true: refuse messages while the sink is unreachable; false: queue and retry',
      }),
      timeoutMs: Type.Integer({ default: 5000, minimum: 100, maximum: 120_000 }),
      retryMaxMs: Type.Integer({
        default: 60_000,
        minimum: 100,
        maximum: 3_600_000,
        description: 'the longest wait between retries of queued messages',
      }),
    }),
    log: section({
      level: Type.Union(
        ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
        { default: 'info' },
      ),
    }),
    modules: Type.Object({}, { default: {}, additionalProperties: false }),
  },
  { additionalProperties: false },
);

export type KernelConfig = Static<typeof KernelConfigSchema>;

/** The `HERALD_*` environment variables and the key each one overrides. */
export const ENV_OVERRIDES: Readonly<Record<string, string>> = {
  HERALD_DOMAIN: 'domain',
  HERALD_DATA_DIR: 'dataDir',
  HERALD_BIND: 'bind',
  HERALD_DATABASE_URL: 'database.url',
  HERALD_REDIS_URL: 'redis.url',
  HERALD_TLS_CERT: 'tls.cert',
  HERALD_TLS_KEY: 'tls.key',
  HERALD_HTTP_PORT: 'http.port',
  HERALD_HTTPS_PORT: 'http.tlsPort',
  HERALD_XMPP_PORT: 'xmpp.port',
  HERALD_XMPPS_PORT: 'xmpp.tlsPort',
  HERALD_SIP_PORT: 'sip.port',
  HERALD_SIPS_PORT: 'sip.tlsPort',
  HERALD_LOG_LEVEL: 'log.level',
  HERALD_COMPLIANCE_URL: 'compliance.url',
};

/** `HERALD_*` variables that are not configuration keys. */
export const ENV_NON_CONFIG: readonly string[] = ['HERALD_CONFIG', 'HERALD_DEMO_PASSWORD'];
