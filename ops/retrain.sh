#!/usr/bin/env bash
# Retrains the model from the platform's own audit trail (issue 16): the decisions of the most recent labelled days
# with the feature values stored with them and the labels known at --at, hyperparameters chosen on a validation split
# before the test days, evaluated beside the champion on the same rows. Writes models/versions/<version>/ (model,
# metadata, MODEL_CARD.md) and prints the report; load it as the challenger with POST /admin/models/challenger (path and
# sha256 from the report), or start the same job on a node with POST /admin/retrain.
#   ops/retrain.sh [--postgres postgresql://postgres@127.0.0.1:15432/postgres] [--at 2026-11-24T00:00:00Z]
#                  [--label-delay-days 7] [--train-days 7] [--test-days 7] [--gap-days 7] [--horizon 2018-08-08]
#                  [--champion models/fraud-model.json] [--out models/versions]
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
[ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests -Dspotless.check.skip=true
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx4g $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.node.retrain.RetrainTool "$@"
