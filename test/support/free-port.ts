import { createSocket } from 'node:dgram';
import { createServer } from 'node:net';

/** A TCP port that was free a moment ago, for servers started as separate processes. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function isFreeTcp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function isFreeUdp(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createSocket('udp4');
    socket.once('error', () => {
      socket.close();
      resolve(false);
    });
    socket.bind(port, '127.0.0.1', () => socket.close(() => resolve(true)));
  });
}

/**
 * An even port that, with the next one, was free a moment ago on TCP and UDP, and is none of
 * `avoid`: for a SIP phone that binds UDP and TCP on it and TLS on the next (baresip).
 */
export async function freeSipPortPair(avoid: readonly number[] = []): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const found = await freePort();
    const port = found % 2 === 0 ? found : found - 1;
    if (avoid.includes(port) || avoid.includes(port + 1)) continue;
    const free = await Promise.all([
      isFreeTcp(port),
      isFreeUdp(port),
      isFreeTcp(port + 1),
      isFreeUdp(port + 1),
    ]);
    if (free.every(Boolean)) return port;
  }
  throw new Error('no free pair of ports found');
}
