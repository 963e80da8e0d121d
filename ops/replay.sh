#!/usr/bin/env bash
# Replays a handbook-format CSV through a running platform (start one with ops/run.sh) in timestamp order,
# feeding each fraud label back 7 days of event time later, with a progress bar and a summary.
#   ops/replay.sh --from 2018-06-20 --to 2018-08-14       (data: --data FILE, data/handbook/, ../shared/data/handbook/,
#                                                         or --simulate DAYS: see data/handbook/README.md)
# Options: --mode http|kafka  --url http://127.0.0.1:8080  --metrics http://127.0.0.1:8081  --bootstrap 127.0.0.1:19092  --concurrency 32
#          --label-delay-days 7  --prefix hb  --genuine-labels false
#          --label-every-seconds 0   (N: the labels due are applied once every N s of event time, up to N s late;
#                                     faster with --genuine-labels, whose label per transaction otherwise waits for
#                                     every transaction in flight before almost each one)
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
run_bench dev.fraudscore.bench.Replay "$@"
