import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { ComplianceRecord } from '../../core/ports.js';
import { isHeraldError } from '../../kernel/errors.js';
import { openComplianceSink } from './open-compliance-sink.js';
import { PostgresComplianceSink } from './postgres-compliance-sink.js';
import { WebhookComplianceSink, webhookBody } from './webhook-compliance-sink.js';

const entry: ComplianceRecord = {
  id: 'c1',
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  protocol: 'sip',
  sender: 'alice@example.org',
  recipients: ['bob@example.org'],
  room: null,
  body: 'hi',
  original: 'hi',
};

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('compliance sinks', () => {
  it('the webhook JSON (docs/compliance.md)', () => {
    assert.deepEqual(JSON.parse(webhookBody(entry)), {
      version: 1,
      id: 'c1',
      at: '2026-01-02T03:04:05.000Z',
      protocol: 'sip',
      sender: 'alice@example.org',
      recipients: ['bob@example.org'],
      room: null,
      body: 'hi',
      original: 'hi',
    });
  });

  it('webhook: credentials in the URL become a Basic header, never an error text; non-2xx rejects', async () => {
    const seen: IncomingHttpHeaders[] = [];
    let status = 200;
    const server = createServer((request, response) => {
      seen.push(request.headers);
      request.resume();
      request.on('end', () => response.writeHead(status).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const sink = new WebhookComplianceSink({ url: `http://hook:s3cret@127.0.0.1:${port}/in?token=t0k` });
      await sink.record(entry);
      assert.equal(seen[0]?.authorization, `Basic ${Buffer.from('hook:s3cret').toString('base64')}`);
      status = 500;
      await assert.rejects(sink.record(entry), (error: Error) => {
        assert.match(error.message, /answered 500/);
        assert.doesNotMatch(error.message, /s3cret|t0k/);
        return true;
      });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
    const down = new WebhookComplianceSink({
      url: `http://hook:s3cret@127.0.0.1:${await closedPort()}/?token=t0k`,
    });
    await assert.rejects(down.record(entry), (error: Error) => {
      assert.match(error.message, /unreachable/);
      assert.doesNotMatch(error.message, /s3cret|t0k/);
      return true;
    });
  });

  it('postgres: an unreachable database rejects without the password', async () => {
    const sink = new PostgresComplianceSink({
      url: `postgres://herald:pa55word@127.0.0.1:${await closedPort()}/x`,
      timeoutMs: 1000,
    });
    try {
      await assert.rejects(sink.record(entry), (error: Error) => {
        assert.doesNotMatch(error.message, /pa55word/);
        return true;
      });
      assert.equal((await sink.health()).ok, false);
    } finally {
      await sink.close();
    }
  });

  it('the configuration: none is no sink; a sink needs a URL', () => {
    const base = { url: '', required: false, timeoutMs: 5000, retryMaxMs: 60_000 };
    assert.equal(openComplianceSink({ ...base, sink: 'none' }), null);
    assert.throws(
      () => openComplianceSink({ ...base, sink: 'webhook' }),
      (error) => isHeraldError(error, 'HERALD_ERR_CONFIG'),
    );
    assert.throws(() => openComplianceSink({ ...base, sink: 'webhook', url: 'ftp://x/' }));
  });
});
