/**
 * Prosody 0.12 (Debian) as a benchmark anchor, configured as shared/anchors/xmpp describes:
 * bench/anchors/prosody.cfg.lua, c2s on 127.0.0.1:15222, pinned to the server CPU. Accounts
 * and rosters are written as Prosody's internal storage files while it is stopped, exactly
 * what `prosodyctl adduser` would store (internal_hashed SCRAM-SHA-1, 4096 iterations).
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { packageVersion, scramSha1Keys } from './anchor-support.js';
import { spawnPinned, terminate, track, waitForPort, waitForPortClosed } from './process-control.js';
import { covers, merged, readMarker, writeMarker } from './provisioned-marker.js';
import {
  BENCH_DOMAIN,
  BENCH_ITERATIONS,
  BENCH_PASSWORD,
  type Provisioning,
  type RunningServer,
  ringContacts,
  type Target,
  userNumbers,
  username,
} from './target.js';

const ANCHORS = resolve(import.meta.dirname, '../../anchors');
const PORT = 15222;

/** Prosody's storage path encoding of a host name (util.datamanager: %xx for '.' and '-'). */
const encodedHost = (host: string) => encodeURIComponent(host).replace(/\./g, '%2e').replace(/-/g, '%2d');

const luaString = (s: string) => `"${s.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

function accountFile(salt: string): string {
  const keys = scramSha1Keys(BENCH_PASSWORD, Buffer.from(salt, 'utf8'), BENCH_ITERATIONS);
  return [
    'return {',
    `\t["iteration_count"] = ${BENCH_ITERATIONS};`,
    `\t["salt"] = ${luaString(salt)};`,
    `\t["server_key"] = "${keys.serverKey.toString('hex')}";`,
    `\t["stored_key"] = "${keys.storedKey.toString('hex')}";`,
    '};',
    '',
  ].join('\n');
}

function rosterFile(contacts: readonly number[]): string {
  let body = 'return {\n\t[false] = {\n\t\t["pending"] = {};\n\t\t["version"] = 1;\n\t};\n';
  for (const k of contacts)
    body += `\t["${username(k)}@${BENCH_DOMAIN}"] = {\n\t\t["groups"] = {};\n\t\t["subscription"] = "both";\n\t};\n`;
  return `${body}};\n`;
}

export function prosodyTarget(stateDir: string): Target {
  const dir = join(stateDir, 'prosody');
  const dataDir = join(dir, 'data');
  const hostDir = join(dataDir, encodedHost(BENCH_DOMAIN));
  const markerFile = join(dir, 'provisioned.json');
  return {
    name: 'prosody',
    host: '127.0.0.1',
    port: PORT,
    domain: BENCH_DOMAIN,
    version: () => `Prosody ${packageVersion('prosody')} (Debian)`,
    async provision(need: Provisioning) {
      const marker = readMarker(markerFile);
      if (covers(marker, need, 'v1')) return;
      const started = Date.now();
      mkdirSync(join(hostDir, 'accounts'), { recursive: true });
      mkdirSync(join(hostDir, 'roster'), { recursive: true });
      let written = 0;
      for (const k of userNumbers(need)) {
        const file = join(hostDir, 'accounts', `${username(k)}.dat`);
        if (existsSync(file)) continue;
        // Prosody's own salts are UUIDs (util.uuid) used as text.
        writeFileSync(file, accountFile(randomUUID()));
        written++;
      }
      const ring = need.ring;
      if (ring)
        for (let index = 0; index < ring.count; index++)
          writeFileSync(
            join(hostDir, 'roster', `${username(ring.offset + 1 + index)}.dat`),
            rosterFile(ringContacts(ring, index)),
          );
      writeMarker(markerFile, merged(marker, need, 'v1'));
      console.error(
        `prosody: wrote ${written} accounts${ring ? ` and ${ring.count} rosters` : ''} in ${Date.now() - started} ms`,
      );
    },
    async start(): Promise<RunningServer> {
      mkdirSync(dataDir, { recursive: true });
      const config = readFileSync(join(ANCHORS, 'prosody.cfg.lua'), 'utf8').replace(
        /^data_path = .*$/m,
        `data_path = ${luaString(dataDir)}`,
      );
      const configFile = join(dir, 'prosody.cfg.lua');
      writeFileSync(configFile, config);
      await waitForPortClosed('127.0.0.1', PORT, 10_000);
      const spawned = spawnPinned('prosody', ['--config', configFile, '-F'], {
        cwd: dir,
        logFile: join(dir, 'stdout.log'),
      });
      await waitForPort('127.0.0.1', PORT, 30_000, () => !spawned.hasExited());
      return { pids: () => [spawned.pid], stop: track(() => terminate(spawned)) };
    },
  };
}
