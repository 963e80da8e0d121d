#!/usr/bin/env bash
# Issue 16's handbook experiment, one command: against a node started by ops/run.sh on an empty store, replays the
# handbook from 2018-06-20 to 2018-08-14 with fraud labels fed back 7 days late, then retrains weekly from the audit
# trail with what was known each week (RetrainExperiment) and scores each retrained model and the fixed served model on
# the week it would have decided. Prints the table and writes it to docs/retraining.md and the last model's card.
#   ops/retrain-experiment.sh [--skip-replay true] [RetrainExperiment options: --first 2018-07-18 --weeks 4 ...]
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
skip=false
if [ "${1:-}" = "--skip-replay" ]; then skip=$2; shift 2; fi
[ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests -Dspotless.check.skip=true
if [ "$skip" != "true" ]; then
  FRAUD_SKIP_BUILD=1 ops/replay.sh --from 2018-06-20 --to 2018-08-14 --prefix hb | tr '\r' '\n' | grep -v '^\[' || true
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx6g $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.node.retrain.RetrainExperiment "$@"
