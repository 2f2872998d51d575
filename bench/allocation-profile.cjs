/**
 * What a Herald server allocates, by function, over a window of a benchmark run: V8's sampling
 * heap profiler (one sample per 4 KiB), objects a collection has freed included, so that the
 * garbage of a request counts as well as what it keeps.
 *   ALLOCPROF_AFTER_MS=84000 ALLOCPROF_FOR_MS=8000 ALLOCPROF_OUT=/tmp/call.heapprofile \
 *   HERALD_BENCH_NODE_ARGS="--require $PWD/bench/allocation-profile.cjs" \
 *   npm run bench -- sip call --runs 1 --duration 15 --rate 600 --targets herald
 *   node bench/allocation-profile-summary.mjs /tmp/call.heapprofile 40
 * (with `--rate N` the fixed-rate step starts after the warm-ups: 300, 600 and 3 × 1,000/s).
 * ALLOCPROF_MINOR=0 / ALLOCPROF_MAJOR=0 leave out what minor / major collections freed.
 */
const inspector = require('node:inspector');
const { writeFileSync } = require('node:fs');
const after = Number(process.env.ALLOCPROF_AFTER_MS ?? 20000);
const dur = Number(process.env.ALLOCPROF_FOR_MS ?? 10000);
const out = process.env.ALLOCPROF_OUT ?? '/tmp/alloc.heapprofile';
const session = new inspector.Session();
session.connect();
setTimeout(() => {
  session.post(
    'HeapProfiler.startSampling',
    {
      samplingInterval: 4096,
      includeObjectsCollectedByMinorGC: process.env.ALLOCPROF_MINOR !== '0',
      includeObjectsCollectedByMajorGC: process.env.ALLOCPROF_MAJOR !== '0',
    },
    () => {
      setTimeout(() => {
        session.post('HeapProfiler.stopSampling', (err, r) => {
          if (!err) writeFileSync(out, JSON.stringify(r.profile));
        });
      }, dur).unref();
    },
  );
}, after).unref();
