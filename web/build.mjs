// Builds the Personal Communicator (web/src, React + @xmpp/client) into web/dist with Vite's JS API.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const here = dirname(fileURLToPath(import.meta.url));
await build({
  root: here,
  base: '/',
  logLevel: 'warn',
  configFile: false,
  publicDir: false,
  esbuild: { jsx: 'automatic' },
  plugins: [
    {
      // @xmpp/resolve's DNS lookups are for TCP services; its package.json drops them for browsers
      // by the names "dns" and "./lib/dns", which miss the "node:dns" it now imports.
      name: 'herald-no-node-dns',
      enforce: 'pre',
      resolveId: (id) => (id === 'node:dns' ? '\0herald-no-node-dns' : null),
      load: (id) => (id === '\0herald-no-node-dns' ? 'export default {};' : null),
    },
  ],
  build: {
    outDir: join(here, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
});
