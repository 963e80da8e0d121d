#!/usr/bin/env bash
# Trains the served model on handbook-format data with the project's own trainer (XGBoost4J) and writes
# models/fraud-model.ubj, models/fraud-model.json (feature order, version, thresholds) and models/MODEL_CARD.md.
# Arguments are passed on: --data FILE | --simulate DAYS, --train FROM:TO --test FROM:TO --trees N --depth N --eta X
# --out DIR. Without --data: data/handbook/transactions.csv.gz, else ../shared/data/handbook/ (data/handbook/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
mvn -q -B package -DskipTests
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" -Xmx4g $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.model.Trainer "$@"
