import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadOrCreateTlsCredentials } from '../../infra/tls/tls-credentials.js';
import { systemClock } from '../../kernel/clock.js';
import { validateConfig } from '../../kernel/config.js';
import { Hooks } from '../../kernel/hooks.js';
import { sequentialIdSource } from '../../kernel/ids.js';
import { Listeners, listenersKey } from '../../kernel/listeners.js';
import { silentLogger } from '../../kernel/log.js';
import { Metrics } from '../../kernel/metrics.js';
import { ModuleLoader, moduleOptionSchemas } from '../../kernel/module-loader.js';
import { ServiceRegistry } from '../../kernel/services.js';
import { tlsMaterialKey } from '../../kernel/tls-material.js';
import { WebSocketEndpoints, webSocketEndpointsKey } from '../../kernel/web-socket-endpoints.js';
import { createResponse } from '../wire/index.js';
import { requestText, StreamPeer, UdpPeer } from './fixtures/sip-test-peers.js';
import { type SipTransportLayer, sipTransportKey } from './sip-transport.js';
import { sipTransportModule } from './sip-transport-module.js';

const hasSipsak = (() => {
  try {
    execFileSync('which', ['sipsak'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('sipTransportModule', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'herald-sip-module-'));
  const listeners = new Listeners({ ephemeral: true });
  const webSockets = new WebSocketEndpoints();
  const services = new ServiceRegistry();
  let loader: ModuleLoader;
  let layer: SipTransportLayer;

  before(async () => {
    const tls = await loadOrCreateTlsCredentials({ certFile: '', keyFile: '', dataDir, domain: 'localhost' });
    services.provide(listenersKey, listeners, 'main');
    services.provide(webSocketEndpointsKey, webSockets, 'main');
    services.provide(tlsMaterialKey, { cert: tls.cert, key: tls.key }, 'main');
    const modules = [sipTransportModule];
    const config = validateConfig({ bind: '127.0.0.1' }, moduleOptionSchemas(modules));
    const kernel = {
      config,
      log: silentLogger(),
      metrics: new Metrics({ defaultMetrics: false }),
      clock: systemClock,
      ids: sequentialIdSource(),
      hooks: new Hooks(),
      services,
    };
    loader = new ModuleLoader(modules, kernel, ['localhost']);
    await loader.start();
    layer = services.get(sipTransportKey, 'localhost');
    // Until the lead's OPTIONS handler exists, the test answers every request itself.
    layer.on('messageReceived', (message, flow) => {
      if (message.kind === 'request' && message.method !== 'ACK') flow.send(createResponse(message, 200));
    });
  });
  after(async () => {
    await loader.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('listens on sip-udp, sip-tcp (one port when it can) and sip-tls, and serves /sip', () => {
    const ports = listeners.ports;
    for (const name of ['sip-udp', 'sip-tcp', 'sip-tls']) assert.ok((ports[name] ?? 0) > 0, name);
    assert.equal(ports['sip-udp'], ports['sip-tcp'], 'UDP shares the ephemeral TCP port');
    assert.deepEqual(
      webSockets.all.map((e) => [e.path, e.subprotocol]),
      [['/sip', 'sip']],
    );
  });

  it('answers over UDP, TCP and TLS through the provided layer', async () => {
    const phone = await UdpPeer.open();
    try {
      await phone.send(requestText({ sentBy: `127.0.0.1:${phone.port}` }), listeners.ports['sip-udp'] ?? 0);
      assert.match(await phone.next('the UDP 200'), /^SIP\/2\.0 200 OK\r\n/);
    } finally {
      await phone.close();
    }
    for (const [name, secure] of [
      ['sip-tcp', false],
      ['sip-tls', true],
    ] as const) {
      const client = await StreamPeer.connect(listeners.ports[name] ?? 0, secure);
      client.write(
        requestText({ transport: secure ? 'TLS' : 'TCP', sentBy: `127.0.0.1:${client.localPort}` }),
      );
      assert.match(
        await client.until((r) => r.includes('\r\n\r\n'), `the ${name} 200`),
        /^SIP\/2\.0 200 OK\r\n/,
      );
      client.end();
    }
  });

  it('interop: sipsak OPTIONS gets a response', {
    skip: !hasSipsak && 'sipsak is not installed',
  }, async () => {
    const port = listeners.ports['sip-udp'] ?? 0;
    const output = await new Promise<string>((resolve, reject) =>
      execFile('sipsak', ['-vv', '-s', `sip:ping@127.0.0.1:${port}`], { timeout: 10_000 }, (error, stdout) =>
        error ? reject(new Error(`sipsak failed: ${error.message}\n${stdout}`)) : resolve(stdout),
      ),
    );
    assert.match(output, /SIP\/2\.0 200 OK/);
  });

  it('tears everything down on stop', async () => {
    const tcpPort = listeners.ports['sip-tcp'] ?? 0;
    await loader.stop();
    assert.deepEqual(listeners.ports, {});
    assert.deepEqual(webSockets.all, []);
    await assert.rejects(StreamPeer.connect(tcpPort), /ECONNREFUSED/, 'nothing listens any more');
  });
});
