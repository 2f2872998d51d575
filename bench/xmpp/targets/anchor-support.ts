/**
 * What provisioning the anchor servers needs: Debian package versions, SCRAM-SHA-1 stored keys
 * (RFC 5802 §3) for Prosody's account files, and JSON calls to ejabberd's mod_http_api.
 */
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
import { type Agent, request } from 'node:http';

export function packageVersion(name: string): string {
  try {
    // dpkg-query's format placeholder, not a template literal.
    return execFileSync('dpkg-query', ['-W', '-f', '$' + '{Version}', name], { encoding: 'utf8' }).trim();
  } catch {
    return 'not installed';
  }
}

/** RFC 5802 §3: StoredKey = H(HMAC(SaltedPassword, "Client Key")), ServerKey = HMAC(…, "Server Key"). */
export function scramSha1Keys(password: string, salt: Buffer, iterations: number) {
  const salted = pbkdf2Sync(password, salt, iterations, 20, 'sha1');
  const clientKey = createHmac('sha1', salted).update('Client Key').digest();
  return {
    storedKey: createHash('sha1').update(clientKey).digest(),
    serverKey: createHmac('sha1', salted).update('Server Key').digest(),
  };
}

export interface ApiReply {
  readonly status: number;
  readonly body: string;
}

/** POST `body` as JSON to `<base>/<command>` (ejabberd mod_http_api). */
export function apiCall(agent: Agent, base: URL, command: string, body: unknown): Promise<ApiReply> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: base.hostname,
        port: base.port,
        path: `${base.pathname.replace(/\/$/, '')}/${command}`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** Runs `work` over `items` with `concurrency` calls in flight. */
export async function forEachConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
