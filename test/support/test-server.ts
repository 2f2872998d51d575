import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig } from '../../src/kernel/config.js';
import { silentLogger } from '../../src/kernel/log.js';
import { moduleOptionSchemas } from '../../src/kernel/module-loader.js';
import { allModules } from '../../src/main/modules.js';
import { type RunningServer, startServer } from '../../src/main/server.js';
import { locationKey } from '../../src/sip/registrar/sip-registrar-module.js';
import type { WriteBehindLocation } from '../../src/sip/registrar/write-behind-location.js';
import { fastHasher } from './fast-hasher.js';

export const DEMO_PASSWORD = 'demo-password-1';

export interface TestServer {
  readonly server: RunningServer;
  readonly http: string;
  readonly https: string;
  /** Every bound port by listener name (http, https, xmpp, xmpps, …). */
  readonly ports: Readonly<Record<string, number>>;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * Herald in-process on loopback with OS-chosen ports, the demo data, a temporary data dir and
 * (unless `databaseUrl` is given) SQLite.
 */
export async function startTestServer(
  options: { raw?: Record<string, unknown>; keepDataDir?: string } = {},
): Promise<TestServer> {
  const dataDir = options.keepDataDir ?? mkdtempSync(join(tmpdir(), 'herald-test-'));
  const config = validateConfig(
    { dataDir, bind: '127.0.0.1', log: { level: 'silent' }, ...options.raw },
    moduleOptionSchemas(allModules),
  );
  const server = await startServer({
    config,
    log: silentLogger(),
    demo: { password: DEMO_PASSWORD },
    hasher: fastHasher,
    ephemeralPorts: true,
    webRoot: null,
  });
  return {
    server,
    http: `http://127.0.0.1:${server.ports.http}`,
    https: `https://127.0.0.1:${server.ports.https}`,
    ports: server.ports,
    dataDir,
    async stop() {
      await server.stop();
      if (!options.keepDataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The SIP bindings as the registrar, proxy and MESSAGE see them (in memory; ADR 0009). */
export function sipLocationOf(herald: TestServer): WriteBehindLocation {
  const location = herald.server.service(locationKey);
  if (!location) throw new Error('the SIP registrar is not running');
  return location;
}

export const basic = (username: string, password: string): string =>
  `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

export interface ApiReply {
  readonly status: number;
  readonly headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read JSON bodies loosely
  readonly body: any;
}

export async function call(
  base: string,
  method: string,
  path: string,
  options: { authorization?: string; body?: unknown; rawBody?: string } = {},
): Promise<ApiReply> {
  const headers: Record<string, string> = {};
  if (options.authorization) headers.authorization = options.authorization;
  if (options.body !== undefined || options.rawBody !== undefined)
    headers['content-type'] = 'application/json';
  const response = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(options.rawBody !== undefined
      ? { body: options.rawBody }
      : options.body !== undefined
        ? { body: JSON.stringify(options.body) }
        : {}),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {}
  return { status: response.status, headers: response.headers, body };
}
