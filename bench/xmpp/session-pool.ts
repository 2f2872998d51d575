/**
 * Logs many benchmark users in with a bounded number of logins in flight, and closes them again.
 * A login is TCP connect → stream → SASL SCRAM-SHA-1 → stream restart → resource binding
 * (RFC 6120 §4–§7), optionally followed by initial presence (RFC 6121 §4.2).
 */
import { type Account, BenchClient } from './bench-client.js';
import { BENCH_PASSWORD, type Target, username } from './targets/target.js';

export interface PoolResult {
  readonly clients: BenchClient[];
  /** Login latencies of the successful logins, ms. */
  readonly latencies: number[];
  readonly failures: string[];
  readonly ms: number;
}

export function accountFor(target: Target, k: number, resource = 'bench'): Account {
  return {
    host: target.host,
    port: target.port,
    domain: target.domain,
    username: username(k),
    password: BENCH_PASSWORD,
    resource,
  };
}

export interface LoginOptions {
  readonly concurrency: number;
  /** Send `<presence/>` right after binding. */
  readonly sendPresence: boolean;
  /** Set before initial presence, so nothing the server sends is missed. */
  readonly onStanza?: (client: BenchClient, xml: string) => void;
}

export async function loginAll(
  target: Target,
  userNumbers: readonly number[],
  options: LoginOptions,
): Promise<PoolResult> {
  const clients: BenchClient[] = [];
  const latencies: number[] = [];
  const failures: string[] = [];
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < userNumbers.length) {
      const k = userNumbers[next++] as number;
      const result = await BenchClient.login(accountFor(target, k));
      if (!result.ok) {
        failures.push(`${username(k)}: ${result.reason}`);
        continue;
      }
      const client = result.client;
      const onStanza = options.onStanza;
      if (onStanza) client.onStanza = (xml) => onStanza(client, xml);
      if (options.sendPresence) client.send('<presence/>');
      clients.push(client);
      latencies.push(result.ms);
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, userNumbers.length) }, worker));
  return { clients, latencies, failures, ms: performance.now() - started };
}

/** Closes every stream, at most `concurrency` at a time so the server is not flooded. */
export async function closeAll(clients: readonly BenchClient[], concurrency = 200): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < clients.length) await (clients[next++] as BenchClient).close();
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, clients.length) }, worker));
}

export const range = (from: number, count: number): number[] =>
  Array.from({ length: count }, (_, i) => from + i);
