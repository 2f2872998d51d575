/**
 * `npm run bench -- <suite> …`: Herald's load generators. Suites: `xmpp` (bench/xmpp), `sip` (bench/sip).
 */
import { runSipBench, SIP_USAGE, SipUsageError } from './sip/sip-bench.js';
import { runXmppBench, USAGE, UsageError } from './xmpp/xmpp-bench.js';

const [suite, ...rest] = process.argv.slice(2);

try {
  if (suite === 'xmpp') process.exitCode = await runXmppBench(rest);
  else if (suite === 'sip') process.exitCode = await runSipBench(rest);
  else {
    console.error(`usage: npm run bench -- xmpp|sip <scenario> [options]\n\n${USAGE}\n\n${SIP_USAGE}`);
    process.exitCode = 2;
  }
} catch (error) {
  const isUsage = error instanceof UsageError || error instanceof SipUsageError;
  console.error(isUsage ? (error as Error).message : (error as Error).stack);
  process.exitCode = isUsage ? 2 : 1;
}
// Lingering sockets of closed sessions must not keep the generator alive.
process.exit();
