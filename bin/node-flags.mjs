// The V8 heap settings `herald serve` runs with (docs/adr/0010-heap-settings.md, amended by
// 0013): an 8 MB semi-space instead of Node's 16 MB and compaction of the old generation on every
// full collection, so that the memory a burst of short-lived SIP
// transactions took is given back among tens of thousands of long-lived bindings and
// subscriptions. V8 reads the semi-space size when the process starts, so these are command-line
// flags: bin/herald.mjs carries them in its #! line (scripts/bin-node-flags.test.ts keeps the two
// the same), and `npm start` and the benchmarks start Node with them.
export const HERALD_NODE_FLAGS = ['--max-semi-space-size=8', '--compact-on-every-full-gc'];
