#!/usr/bin/env bash
# Evaluates a replay with the handbook's protocol from the platform's own audit table: the scores the
# served model gave on features computed online. Run after ops/replay.sh.
#   ops/evaluate.sh --db postgresql://postgres@127.0.0.1:15432/postgres --prefix hb
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
run_bench dev.fraudscore.model.Evaluator "$@"
