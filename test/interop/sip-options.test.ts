/**
 * SIP with a real peer (sipsak) and raw datagrams: OPTIONS over UDP and TCP is answered with what
 * Herald supports; an unknown method is 501; a malformed request is 400 and the server goes on.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../support/test-server.js';

/** Async: the server runs in this process, so a blocking spawn would keep it from answering. */
const run = promisify(execFile);
const sipsak = async (args: string[]) =>
  (await run('sipsak', args, { encoding: 'utf8', timeout: 10_000 })).stdout;

const hasSipsak = spawnSync('which', ['sipsak']).status === 0;
// Under CI the peer must be there (.ci/run installs it); locally its absence skips with a reason.
const skipSipsak =
  hasSipsak || process.env.CI === 'true'
    ? false
    : 'sipsak is not installed (apt-get install sipsak; .ci/run installs it)';

function udpExchange(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createSocket('udp4');
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error('no answer within 3 s'));
    }, 3000);
    socket.on('message', (data) => {
      clearTimeout(timer);
      socket.close();
      resolve(data.toString('utf8'));
    });
    socket.bind(0, '127.0.0.1', () => {
      const { port: local } = socket.address();
      socket.send(text.replaceAll('LOCALPORT', String(local)), port, '127.0.0.1');
    });
  });
}

const request = (method: string, extra = '') =>
  `${method} sip:localhost SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:LOCALPORT;branch=z9hG4bK${method}${Date.now()}\r\nMax-Forwards: 70\r\nFrom: <sip:probe@localhost>;tag=t1\r\nTo: <sip:localhost>\r\nCall-ID: ${method}-${Date.now()}@127.0.0.1\r\nCSeq: 1 ${method}\r\n${extra}Content-Length: 0\r\n\r\n`;

describe('SIP OPTIONS and bad input (RFC 3261 §11, §8.2)', () => {
  let herald: TestServer;
  before(async () => {
    herald = await startTestServer();
  });
  after(() => herald.stop());

  it('sipsak pings with OPTIONS over UDP and gets 200 with Allow', { skip: skipSipsak }, async () => {
    const out = await sipsak(['-vv', '-s', `sip:127.0.0.1:${herald.ports['sip-udp']}`]);
    assert.match(out, /SIP\/2\.0 200 OK/);
    assert.match(out, /Allow: [^\r\n]*OPTIONS/);
  });

  it('sipsak pings over TCP too', { skip: skipSipsak }, async () => {
    const out = await sipsak(['-vv', '-E', 'tcp', '-s', `sip:127.0.0.1:${herald.ports['sip-tcp']}`]);
    assert.match(out, /SIP\/2\.0 200 OK/);
  });

  it('an unknown method is 501 Not Implemented', async () => {
    const reply = await udpExchange(herald.ports['sip-udp'] ?? 0, request('FROBNICATE'));
    assert.match(reply, /^SIP\/2\.0 501 /);
  });

  it('a malformed request is 400 with the reason, and the next one is still served', async () => {
    const bad = request('OPTIONS').replace('Max-Forwards: 70', 'Max-Forwards: seventy');
    const reply = await udpExchange(herald.ports['sip-udp'] ?? 0, bad);
    assert.match(reply, /^SIP\/2\.0 400 [^\r]*Max-Forwards/i);
    const good = await udpExchange(herald.ports['sip-udp'] ?? 0, request('OPTIONS'));
    assert.match(good, /^SIP\/2\.0 200 OK/);
  });
});
