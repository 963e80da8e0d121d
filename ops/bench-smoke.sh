#!/usr/bin/env bash
# Smoke benchmark: N authorize-checks at a running node (start one with ops/run.sh), closed loop,
# prints throughput and p50/p90/p99/p99.9/max latency. Options are passed on:
#   --url http://127.0.0.1:8080 --requests 20000 --concurrency 32 --warmup 2000 --cards 10000 --terminals 2000
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
run_bench dev.fraudscore.bench.SmokeBench "$@"
