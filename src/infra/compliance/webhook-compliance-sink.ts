/**
 * ComplianceSink (core/ports.ts, SPEC M7) as an HTTP(S) webhook: each message is POSTed as JSON
 * (docs/compliance.md); any 2xx answer means the receiver kept it. The URL may carry credentials
 * (user:password@ or a token in the query): they are never put in an error or a log line.
 */
import type { ComplianceRecord, ComplianceSink, ComplianceSinkHealth } from '../../core/ports.js';

/** The version of the JSON body (docs/compliance.md). */
export const WEBHOOK_FORMAT_VERSION = 1;

export interface WebhookComplianceSinkOptions {
  readonly url: string;
  /** Per request; default 5000 ms. */
  readonly timeoutMs?: number;
  readonly userAgent?: string;
}

export function webhookBody(entry: ComplianceRecord): string {
  return JSON.stringify({
    version: WEBHOOK_FORMAT_VERSION,
    id: entry.id,
    at: new Date(entry.at).toISOString(),
    protocol: entry.protocol,
    sender: entry.sender,
    recipients: entry.recipients,
    room: entry.room,
    body: entry.body,
    original: entry.original,
  });
}

export class WebhookComplianceSink implements ComplianceSink {
  readonly kind = 'webhook';
  readonly #url: URL;
  readonly #headers: Record<string, string>;
  readonly #timeoutMs: number;

  constructor(options: WebhookComplianceSinkOptions) {
    const url = new URL(options.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw new Error('compliance.url must be an http:// or https:// URL for the webhook sink');
    this.#headers = { 'content-type': 'application/json', 'user-agent': options.userAgent ?? 'Herald' };
    // fetch() refuses URLs with credentials: they go in an Authorization header instead.
    if (url.username || url.password) {
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      this.#headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      url.username = '';
      url.password = '';
    }
    this.#url = url;
    this.#timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Where it posts, without credentials or query (for logs). */
  get target(): string {
    return `${this.#url.origin}${this.#url.pathname}`;
  }

  async record(entry: ComplianceRecord): Promise<void> {
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers: this.#headers,
        body: webhookBody(entry),
        signal: AbortSignal.timeout(this.#timeoutMs),
        redirect: 'error',
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: unknown } } | null)?.cause?.code;
      const reason = error instanceof Error && error.name === 'TimeoutError' ? 'timed out' : 'unreachable';
      throw new Error(
        `compliance webhook ${this.target} ${reason}${typeof cause === 'string' ? ` (${cause})` : ''}`,
      );
    }
    await response.body?.cancel().catch(() => undefined);
    if (response.status < 200 || response.status > 299)
      throw new Error(`compliance webhook ${this.target} answered ${response.status}`);
  }

  async health(): Promise<ComplianceSinkHealth> {
    // A POST would be a message; the receiver's reachability is what the queue shows.
    return { ok: true, detail: this.target };
  }

  async close(): Promise<void> {}
}
