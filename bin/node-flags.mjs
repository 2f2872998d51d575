// The V8 heap settings `herald serve` runs with (docs/adr/0010-heap-settings.md, amended by
// 0013 and 0015): an 8 MB semi-space instead of Node's 16 MB, so that the young generation a
// burst of short-lived SIP transactions grew does not stay resident among tens of thousands of
// long-lived bindings and subscriptions. (Compacting the old generation on every full collection,
// ADR 0010's second flag, stopped the world for 150–220 ms under load and kept no less memory:
// ADR 0015.) V8 reads the semi-space size when the process starts, so it is a command-line flag:
// bin/herald.mjs carries it in its #! line (scripts/bin-node-flags.test.ts keeps the two the
// same), and `npm start` and the benchmarks start Node with it.
export const HERALD_NODE_FLAGS = ['--max-semi-space-size=8'];
