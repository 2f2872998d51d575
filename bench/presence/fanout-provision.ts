/**
 * Users and rosters of the presence fan-out bench: the presentity `user1` and its watchers
 * `user2 … user<N+1>` (bench/xmpp/targets/herald-provision.ts writes them, every one with
 * BENCH_PASSWORD, so XMPP SCRAM and SIP digest both work), then a star of roster items with
 * subscription 'both' (RFC 6121 §2.1.2.5) between the presentity and each watcher, written
 * through the built code (dist/) while the server is stopped.
 */
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config, LoadConfigInput } from '../../src/kernel/config.js';
import type { AdminContext } from '../../src/main/admin-context.js';
import { provisionHerald } from '../xmpp/targets/herald-provision.js';
import { BENCH_DOMAIN, username } from '../xmpp/targets/target.js';

const REPO = resolve(import.meta.dirname, '../..');
export const PRESENTITY = 1;
export const watcherNumbers = (watchers: number): number[] =>
  Array.from({ length: watchers }, (_, i) => PRESENTITY + 1 + i);

export async function provisionFanout(dataDir: string, watchers: number): Promise<{ ms: number }> {
  const started = Date.now();
  await provisionHerald(dataDir, { users: watchers + 1, ring: null });
  const load = async (file: string): Promise<Record<string, unknown>> =>
    (await import(pathToFileURL(join(REPO, 'dist', file)).href)) as Record<string, unknown>;
  const config = (await load('kernel/config.js')).loadConfig as (input: LoadConfigInput) => Config;
  const open = (await load('main/admin-context.js')).openAdminContext as (c: Config) => Promise<AdminContext>;
  const ctx = await open(config({ env: { HERALD_DATA_DIR: dataDir, HERALD_DOMAIN: BENCH_DOMAIN } }));
  try {
    const idOf = async (k: number) => {
      const user = await ctx.store.accounts.findUserByName(username(k));
      if (!user) throw new Error(`${username(k)} was not provisioned`);
      return user.id;
    };
    const presentity = await idOf(PRESENTITY);
    const presentityJid = `${username(PRESENTITY)}@${BENCH_DOMAIN}`;
    const now = Date.now();
    const item = (userId: typeof presentity, contact: string) => ({
      userId,
      contact,
      name: null,
      groups: [],
      subscription: 'both' as const,
      pendingOut: false,
      pendingIn: false,
      preApproved: false,
      listed: true,
      updatedAt: now,
    });
    const numbers = watcherNumbers(watchers);
    for (let from = 0; from < numbers.length; from += 250) {
      const batch = numbers.slice(from, from + 250);
      const ids = await Promise.all(batch.map(idOf));
      await ctx.store.transaction(async (tx) => {
        for (const [i, k] of batch.entries()) {
          await tx.roster.putItem(item(presentity, `${username(k)}@${BENCH_DOMAIN}`));
          await tx.roster.putItem(item(ids[i] as typeof presentity, presentityJid));
        }
      });
    }
  } finally {
    await ctx.close();
  }
  return { ms: Date.now() - started };
}
