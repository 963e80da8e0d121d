#!/usr/bin/env bash
# API keys: create, list, revoke (in the node's PostgreSQL; the same --config FILE / FRAUD_* a node reads).
#   ops/keys.sh create --client acquirer-eu --roles decide,label    prints the new key once
#   ops/keys.sh list
#   ops/keys.sh revoke ID                                            every node refuses it within security.refreshMs
# Roles: decide (authorize-check), label (labels), analyst (read-only analyst API), admin (models, thresholds),
#        replay (event times used as sent; with decide). Connects as the schema owner (postgres.migrationUrl).
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
if [ "${FRAUD_SKIP_BUILD:-}" != "1" ] && [ ! -f verticles/target/fraudscore-node.jar ]; then
  mvn -q -B package -DskipTests
fi
exec "$JAVA_HOME/bin/java" -cp "$NODE_CP" dev.fraudscore.node.access.KeysCli "$@"
