/**
 * SIP bench users for Herald, written through the built code (dist/) into an empty data folder
 * while the server is stopped, like bench/xmpp/targets/herald-provision.ts — but every user gets
 * its own password `pw<U>` (the Kamailio anchor's scheme), so the digest HA1s are per user.
 *
 * `pw<U>` is shorter than Herald's password policy allows (8 characters), so it cannot go through
 * AccountService.addUser: a template user (`sipbench`, a policy-valid password) does, and the
 * numeric users reuse its SCRAM keys and argon2 hash (~40 ms of a core each otherwise) with HA1s
 * of their own `pw<U>`. They cannot log in over XMPP or the web, which the SIP bench never does.
 *
 * Presence authorization (RFC 3856 §6.6; Herald's rule is the presentity's roster, RFC 6121
 * §3): for every subscription the bench makes (`watchPairs`: the rate users → 1999, the memory
 * users → the first of their block), watcher and presentity get each other in their rosters with
 * subscription `both`, so that the SUBSCRIBEs of the subscribe and memory scenarios are active at
 * once (as with Kamailio's presence_xml `force_active`), not pending the presentity's answer.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Principal } from '../../../src/core/identity/principal.js';
import type { DigestAlgorithm } from '../../../src/core/identity/sip-digest.js';
import type { UserId } from '../../../src/core/ports.js';
import type { Config, LoadConfigInput } from '../../../src/kernel/config.js';
import type { IdSource } from '../../../src/kernel/ids.js';
import type { AdminContext } from '../../../src/main/admin-context.js';
import { passwordOf, SIP_DOMAIN, watchPairs } from '../users.js';

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
const TEMPLATE_PASSWORD = 'sipbench-template-password';

/** Adds `users` (numbers) to an empty data folder; returns the milliseconds taken. */
export async function provisionHeraldSip(dataDir: string, users: readonly number[]): Promise<number> {
  if (users.length === 0) return 0;
  const started = Date.now();
  const dist = await loadDist();
  const config = dist.loadConfig({ env: { HERALD_DATA_DIR: dataDir, HERALD_DOMAIN: SIP_DOMAIN } });
  const ctx = await dist.openAdminContext(config);
  try {
    const actor = dist.systemPrincipal('herald SIP bench provisioning');
    const added = await ctx.accounts.addUser(actor, { username: 'sipbench', password: TEMPLATE_PASSWORD });
    const template = await ctx.store.accounts.getCredentials(added.id);
    if (!template) throw new Error('the SIP bench template user has no credentials');
    const now = Date.now();
    const ids = new Map<number, UserId>();
    for (let from = 0; from < users.length; from += BATCH) {
      const batch = users.slice(from, from + BATCH);
      await ctx.store.transaction(async (tx) => {
        for (const user of batch) {
          const name = String(user);
          const id = dist.randomIdSource.next() as UserId;
          ids.set(user, id);
          await tx.accounts.insertUser(
            { id, username: name, displayName: name, email: null, isAdmin: false, createdAt: now },
            {
              ...template,
              ha1Md5: dist.digestHa1('MD5', name, template.digestRealm, passwordOf(user)),
              ha1Sha256: dist.digestHa1('SHA-256', name, template.digestRealm, passwordOf(user)),
            },
          );
        }
      });
    }
    const pairs = watchPairs();
    for (let from = 0; from < pairs.length; from += BATCH) {
      const batch = pairs.slice(from, from + BATCH);
      await ctx.store.transaction(async (tx) => {
        for (const [watcher, owner] of batch) {
          const watcherId = ids.get(watcher);
          const ownerId = ids.get(owner);
          if (!watcherId || !ownerId || watcher === owner) continue;
          for (const [userId, contact] of [
            [ownerId, watcher],
            [watcherId, owner],
          ] as const)
            await tx.roster.putItem({
              userId,
              contact: `${contact}@${SIP_DOMAIN}`,
              name: null,
              groups: [],
              subscription: 'both',
              pendingOut: false,
              pendingIn: false,
              preApproved: false,
              listed: true,
              updatedAt: now,
            });
        }
      });
    }
    return Date.now() - started;
  } finally {
    await ctx.close();
  }
}
