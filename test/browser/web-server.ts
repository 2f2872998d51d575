/**
 * For the browser tests: Herald in-process like startTestServer, but serving the built web client
 * (web/dist), built first when it is missing; and a Chromium, or a reason to skip.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type Browser, chromium } from 'playwright-core';
import { validateConfig } from '../../src/kernel/config.js';
import { silentLogger } from '../../src/kernel/log.js';
import { moduleOptionSchemas } from '../../src/kernel/module-loader.js';
import { allModules } from '../../src/main/modules.js';
import { type RunningServer, startServer } from '../../src/main/server.js';
import { fastHasher } from '../support/fast-hasher.js';
import { DEMO_PASSWORD } from '../support/test-server.js';

export { DEMO_PASSWORD };
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const webDist = join(import.meta.dirname, '..', '..', 'web', 'dist');

/** Why the browser tests cannot run here, or null. Under CI=true a missing Chromium is a failure. */
export function skipReason(): string | null {
  if (existsSync(CHROMIUM)) return null;
  if (process.env.CI === 'true') throw new Error(`CI=true but Chromium is missing at ${CHROMIUM}`);
  return `Chromium not found at ${CHROMIUM} (set CHROMIUM_PATH); browser tests skipped`;
}

/** Builds web/dist when it is missing or older than a file under web/src (or HERALD_WEB_REBUILD=1). */
export async function ensureWebBuilt(): Promise<void> {
  const index = join(webDist, 'index.html');
  const sources = join(webDist, '..', 'src');
  const built = existsSync(index) ? statSync(index).mtimeMs : 0;
  const newest = Math.max(
    ...readdirSync(sources, { recursive: true }).map((f) => statSync(join(sources, String(f))).mtimeMs),
  );
  if (built > newest && process.env.HERALD_WEB_REBUILD !== '1') return;
  await promisify(execFile)(process.execPath, [join(webDist, '..', 'build.mjs')], { timeout: 120_000 });
}

export interface WebServer {
  readonly server: RunningServer;
  readonly url: string;
  stop(): Promise<void>;
}

export async function startWebServer(): Promise<WebServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-web-'));
  const config = validateConfig(
    { dataDir, bind: '127.0.0.1', log: { level: 'silent' } },
    moduleOptionSchemas(allModules),
  );
  const server = await startServer({
    config,
    log: silentLogger(),
    demo: { password: DEMO_PASSWORD },
    hasher: fastHasher,
    ephemeralPorts: true,
    webRoot: webDist,
  });
  return {
    server,
    url: `http://127.0.0.1:${server.ports.http}`,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}
