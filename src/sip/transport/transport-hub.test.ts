import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Metrics } from '../../kernel/metrics.js';
import { parseMessage, type SipMessage } from '../wire/index.js';
import { requestText } from './fixtures/sip-test-peers.js';
import type { Flow, FlowId } from './sip-transport.js';
import { TransportHub } from './transport-hub.js';
import { TransportMetrics } from './transport-metrics.js';

/** A connection flow that records what it is asked to send. */
function recordingFlow(id: string): Flow & { sent: SipMessage[] } {
  const sent: SipMessage[] = [];
  return {
    id: id as FlowId,
    transport: 'tcp',
    remote: { address: '192.0.2.4', port: 40_000 },
    local: { address: '127.0.0.1', port: 5060 },
    isReliable: true,
    isSecure: false,
    isOpen: true,
    sent,
    send: (message) => sent.push(message) > 0,
    close: () => {},
  };
}

const parse = (text: string) => parseMessage(Buffer.from(text), { transport: 'stream' });

describe('TransportHub', () => {
  it('keeps delivering when one listener throws, and reports the error', () => {
    const errors: string[] = [];
    const hub = new TransportHub({
      metrics: new TransportMetrics(new Metrics({ defaultMetrics: false })),
      onListenerError: (error, event) => errors.push(`${event}: ${(error as Error).message}`),
    });
    const seen: string[] = [];
    hub.on('messageReceived', () => {
      throw new Error('boom');
    });
    const off = hub.on('messageReceived', (message) => seen.push(message.kind));
    const flow = recordingFlow('tcp_1');
    hub.accept(parse(requestText({ transport: 'TCP', sentBy: '192.0.2.4:40000' })), flow);
    off();
    hub.accept(parse(requestText({ transport: 'TCP', sentBy: '192.0.2.4:40000' })), flow);
    assert.deepEqual(seen, ['request']);
    assert.deepEqual(errors, ['messageReceived: boom', 'messageReceived: boom']);
  });

  it('answers a refused request on the flow it came in on', () => {
    const hub = new TransportHub({ metrics: new TransportMetrics(new Metrics({ defaultMetrics: false })) });
    const flow = recordingFlow('tcp_1');
    const action = hub.accept(
      parse(requestText({ transport: 'TCP', sentBy: 'x.example', maxForwards: 'x' })),
      flow,
    );
    assert.equal(action.kind, 'refuse');
    assert.deepEqual(
      flow.sent.map((m) => m.kind === 'response' && m.status),
      [400],
    );
  });

  it('reports sendFailed after the caller returns, never inside its call', async () => {
    const hub = new TransportHub({ metrics: new TransportMetrics(new Metrics({ defaultMetrics: false })) });
    const flow = recordingFlow('tcp_1');
    const failures: string[] = [];
    hub.on('sendFailed', (f, detail) => failures.push(`${f.id}: ${detail}`));
    hub.sendFailed(flow, 'reset');
    assert.deepEqual(failures, [], 'not re-entrant');
    await Promise.resolve();
    assert.deepEqual(failures, ['tcp_1: reset']);
  });

  it('registers connection flows until they close, once', () => {
    const hub = new TransportHub({ metrics: new TransportMetrics(new Metrics({ defaultMetrics: false })) });
    const flow = recordingFlow('tcp_7');
    const closed: string[] = [];
    hub.on('flowClosed', (f) => closed.push(f.id));
    hub.opened(flow);
    assert.equal(hub.flows.get('tcp_7'), flow);
    assert.equal(hub.flows.size, 1);
    hub.closed(flow);
    hub.closed(flow);
    assert.deepEqual(closed, ['tcp_7']);
    assert.equal(hub.flows.get('tcp_7'), undefined);
  });

  it('refuses to connect where it cannot', async () => {
    const hub = new TransportHub({ metrics: new TransportMetrics(new Metrics({ defaultMetrics: false })) });
    const ws = await hub.connect({ transport: 'ws', address: '192.0.2.4', port: 80 });
    const tls = await hub.connect({ transport: 'tls', address: '192.0.2.4', port: 5061 });
    assert.deepEqual([ws.ok || ws.reason, tls.ok || tls.reason], ['unsupported-transport', 'no-listener']);
  });
});
