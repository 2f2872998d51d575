/**
 * Bulk users and ring rosters for Herald, written through the built code (dist/) into the data
 * folder while the server is stopped — like the anchors' provisioning, which writes Prosody's
 * account files directly and calls ejabberd's admin API.
 *
 * `herald user add` would cost a process and an argon2id hash (~40 ms of one core) per user, so
 * the first user goes through AccountService.addUser and the others reuse its derived secrets
 * (the same SCRAM salt and argon2 hash; the SIP digest HA1, which names the user, is computed per
 * user). A shared salt changes nothing the server does for a SCRAM login: it never runs PBKDF2
 * for one (credentials are stored derived, RFC 5802 §5).
 *
 *   npx tsx bench/xmpp/targets/herald-provision.ts DATA_DIR USERS [RING_OFFSET RING_COUNT CONTACTS]
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Principal } from '../../../src/core/identity/principal.js';
import type { DigestAlgorithm } from '../../../src/core/identity/sip-digest.js';
import type { UserId } from '../../../src/core/ports.js';
import type { Config, LoadConfigInput } from '../../../src/kernel/config.js';
import type { IdSource } from '../../../src/kernel/ids.js';
import type { AdminContext } from '../../../src/main/admin-context.js';
import {
  BENCH_DOMAIN,
  BENCH_ITERATIONS,
  BENCH_PASSWORD,
  type Provisioning,
  ringContacts,
  userNumbers,
  username,
} from './target.js';

const REPO = resolve(import.meta.dirname, '../../..');

interface Dist {
  loadConfig(input: LoadConfigInput): Config;
  openAdminContext(config: Config): Promise<AdminContext>;
  digestHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string;
  systemPrincipal(reason: string): Principal;
  randomIdSource: IdSource;
}

async function loadDist(): Promise<Dist> {
  const load = async (file: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(join(REPO, 'dist', file)).href)) as Record<string, unknown>;
  const [config, admin, digest, principal, ids] = await Promise.all([
    load('kernel/config.js'),
    load('main/admin-context.js'),
    load('core/identity/sip-digest.js'),
    load('core/identity/principal.js'),
    load('kernel/ids.js'),
  ]);
  return {
    loadConfig: config.loadConfig as Dist['loadConfig'],
    openAdminContext: admin.openAdminContext as Dist['openAdminContext'],
    digestHa1: digest.digestHa1 as Dist['digestHa1'],
    systemPrincipal: principal.systemPrincipal as Dist['systemPrincipal'],
    randomIdSource: ids.randomIdSource as IdSource,
  };
}

const BATCH = 500;

export interface HeraldProvisionResult {
  readonly users: number;
  readonly rosterItems: number;
  readonly ms: number;
}

/** Adds the users and rosters `need` asks for to an empty data folder. */
export async function provisionHerald(dataDir: string, need: Provisioning): Promise<HeraldProvisionResult> {
  const { ring } = need;
  const numbers = userNumbers(need);
  const [firstNumber, ...others] = numbers;
  if (firstNumber === undefined) return { users: 0, rosterItems: 0, ms: 0 };
  const started = Date.now();
  const dist = await loadDist();
  const config = dist.loadConfig({ env: { HERALD_DATA_DIR: dataDir, HERALD_DOMAIN: BENCH_DOMAIN } });
  const ctx = await dist.openAdminContext(config);
  try {
    const actor = dist.systemPrincipal('herald bench provisioning');
    const first = await ctx.accounts.addUser(actor, {
      username: username(firstNumber),
      password: BENCH_PASSWORD,
    });
    const template = await ctx.store.accounts.getCredentials(first.id);
    if (!template) throw new Error('the first bench user has no credentials');
    if (template.scramSha1.iterations !== BENCH_ITERATIONS)
      console.warn(`herald: SCRAM iteration count ${template.scramSha1.iterations}, not ${BENCH_ITERATIONS}`);
    const ids = new Map<number, UserId>([[firstNumber, first.id]]);
    const now = Date.now();
    for (let from = 0; from < others.length; from += BATCH) {
      const batch = others.slice(from, from + BATCH);
      await ctx.store.transaction(async (tx) => {
        for (const k of batch) {
          const name = username(k);
          const id = dist.randomIdSource.next() as UserId;
          ids.set(k, id);
          await tx.accounts.insertUser(
            { id, username: name, displayName: name, email: null, isAdmin: false, createdAt: now },
            {
              ...template,
              ha1Md5: dist.digestHa1('MD5', name, template.digestRealm, BENCH_PASSWORD),
              ha1Sha256: dist.digestHa1('SHA-256', name, template.digestRealm, BENCH_PASSWORD),
            },
          );
        }
      });
    }
    let rosterItems = 0;
    if (ring) {
      for (let index = 0; index < ring.count; index++) {
        const userId = ids.get(ring.offset + 1 + index);
        if (!userId) throw new Error(`ring user ${ring.offset + 1 + index} was not provisioned`);
        await ctx.store.transaction(async (tx) => {
          for (const contact of ringContacts(ring, index)) {
            await tx.roster.putItem({
              userId,
              contact: `${username(contact)}@${BENCH_DOMAIN}`,
              name: null,
              groups: [],
              subscription: 'both',
              pendingOut: false,
              pendingIn: false,
              preApproved: false,
              listed: true,
              updatedAt: now,
            });
            rosterItems++;
          }
        });
      }
    }
    return { users: numbers.length, rosterItems, ms: Date.now() - started };
  } finally {
    await ctx.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [dataDir, users, offset, count, contacts] = process.argv.slice(2);
  if (!dataDir || !users) {
    console.error('usage: herald-provision.ts DATA_DIR USERS [RING_OFFSET RING_COUNT CONTACTS]');
    process.exit(2);
  }
  const ring = count ? { offset: Number(offset), count: Number(count), contacts: Number(contacts) } : null;
  console.log(JSON.stringify(await provisionHerald(resolve(dataDir), { users: Number(users), ring })));
}
