/**
 * `npm run bench -- <suite> …`: Herald's load generators. Suites: `xmpp` (bench/xmpp).
 */
import { runXmppBench, USAGE, UsageError } from './xmpp/xmpp-bench.js';

const [suite, ...rest] = process.argv.slice(2);

try {
  if (suite === 'xmpp') process.exitCode = await runXmppBench(rest);
  else {
    console.error(`usage: npm run bench -- xmpp <scenario> [options]\n\n${USAGE}`);
    process.exitCode = 2;
  }
} catch (error) {
  console.error(error instanceof UsageError ? error.message : (error as Error).stack);
  process.exitCode = error instanceof UsageError ? 2 : 1;
}
// Lingering sockets of closed sessions must not keep the generator alive.
process.exit();
