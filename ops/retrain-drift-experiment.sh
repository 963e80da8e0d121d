#!/usr/bin/env bash
# The weekly-retraining experiment on fraud that changes (companion to ops/retrain-experiment.sh, whose handbook data is
# stationary). Generates the handbook's simulator with its fraud patterns changed on 2018-07-11 (from then on payments
# above 150 instead of 220 are fraud, and compromised customers' frauds are 2x their usual amounts instead of 5x),
# trains a fixed model on the week 2018-06-13..06-19 (before the change) with the project's trainer, replays
# 2018-06-20..2018-08-14 through a node started by ops/run.sh on an empty store with labels 7 days late, then retrains
# weekly from the audit trail (RetrainExperiment) and scores each retrained model and the fixed one on the week it
# would have decided. Writes docs/retraining-drift.md.
#   ops/retrain-drift-experiment.sh [--skip-replay true] [RetrainExperiment options]
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
skip=false
if [ "${1:-}" = "--skip-replay" ]; then skip=$2; shift 2; fi
[ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests -Dspotless.check.skip=true
dir=var/drift-experiment
mkdir -p "$dir"
if [ ! -f "$dir/shifted.csv.gz" ]; then
  # 136 days from 2018-04-01; day 101 is 2018-07-11
  "$JAVA_HOME/bin/java" -cp "$NODE_CP" dev.fraudscore.simulator.Simulator --out "$dir/shifted.csv.gz" --seed 42 \
    --days 136 --shift-day 101 --shift-threshold 150 --shift-multiplier 2
fi
if [ ! -f "$dir/fixed/fraud-model.json" ]; then
  # shellcheck disable=SC2086
  "$JAVA_HOME/bin/java" -Xmx4g $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.model.Trainer --data "$dir/shifted.csv.gz" \
    --train 2018-06-13:2018-06-19 --test 2018-06-27:2018-07-03 --out "$dir/fixed"
fi
if [ "$skip" != "true" ]; then
  FRAUD_SKIP_BUILD=1 ops/replay.sh --data "$dir/shifted.csv.gz" --from 2018-06-20 --to 2018-08-14 --prefix sim \
    | tr '\r' '\n' | grep -v '^\[' || true
fi
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx6g $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.node.retrain.RetrainExperiment \
  --data "$dir/shifted.csv.gz" --prefix sim --champion "$dir/fixed/fraud-model.json" --out "$dir/versions" \
  --card none --report docs/retraining-drift.md \
  --title "Weekly retraining on simulated fraud that changes on 2018-07-11" --script ops/retrain-drift-experiment.sh \
  --fixed-name "the fixed model (trained on 2018-06-13..06-19, before the change)" "$@"
