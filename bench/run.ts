/**
 * `npm run bench -- <suite> …`: Herald's load generators. Suites: `xmpp` (bench/xmpp), `sip` (bench/sip),
 * `rooms` (bench/rooms), `mam` (bench/mam).
 */
import { MAM_USAGE, MamUsageError, runMamBench } from './mam/mam-bench.js';
import { PRESENCE_USAGE, PresenceUsageError, runPresenceBench } from './presence/fanout-bench.js';
import { ROOMS_USAGE, RoomsUsageError, runRoomsBench } from './rooms/rooms-bench.js';
import { runSipBench, SIP_USAGE, SipUsageError } from './sip/sip-bench.js';
import { runXmppBench, USAGE, UsageError } from './xmpp/xmpp-bench.js';

const [suite, ...rest] = process.argv.slice(2);

try {
  if (suite === 'xmpp') process.exitCode = await runXmppBench(rest);
  else if (suite === 'sip') process.exitCode = await runSipBench(rest);
  else if (suite === 'rooms') process.exitCode = await runRoomsBench(rest);
  else if (suite === 'mam') process.exitCode = await runMamBench(rest);
  else if (suite === 'presence') process.exitCode = await runPresenceBench(rest);
  else {
    console.error(
      `usage: npm run bench -- xmpp|sip|rooms|mam|presence <scenario> [options]\n\n${USAGE}\n\n${SIP_USAGE}\n\n${ROOMS_USAGE}\n\n${MAM_USAGE}\n\n${PRESENCE_USAGE}`,
    );
    process.exitCode = 2;
  }
} catch (error) {
  const isUsage =
    error instanceof UsageError ||
    error instanceof SipUsageError ||
    error instanceof RoomsUsageError ||
    error instanceof MamUsageError ||
    error instanceof PresenceUsageError;
  console.error(isUsage ? (error as Error).message : (error as Error).stack);
  process.exitCode = isUsage ? 2 : 1;
}
// Lingering sockets of closed sessions must not keep the generator alive.
process.exit();
