#!/usr/bin/env bash
# Smoke benchmark: N authorize-checks at a running node (start one with ops/run.sh), closed loop,
# prints throughput and p50/p90/p99/p99.9/max latency, the node's CPU time per decision and whether every
# accepted decision was audited. Options are passed on:
#   --url http://127.0.0.1:8080 --metrics http://127.0.0.1:8081 --requests 20000 --concurrency 32 --warmup 2000 --cards 10000 --terminals 2000
#   --rate N (open loop at N/s)  --threads 2 (generator event loops)  --echo true (bare Vert.x echo baseline)
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
# The generator shares the cores with the node under test; at a higher scheduling priority its send
# schedule is not starved by the node, so the open-loop latencies are the node's, not the generator's.
renice -n -10 -p $$ >/dev/null 2>&1 || echo "note: could not raise the load generator's priority (needs root); latencies include its lag" >&2
run_bench dev.fraudscore.bench.SmokeBench "$@"
