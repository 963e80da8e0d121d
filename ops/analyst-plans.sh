#!/usr/bin/env bash
# The plans PostgreSQL picks for the analysts' queries at 10 million decisions (issue 14): a fresh database on the
# given server with the node's migrations, synthetic decisions over 30 days, ANALYZE, then EXPLAIN ANALYZE of each
# query the analyst API sends, with the scans it uses. Takes several minutes (the load); the database is dropped.
#   ops/analyst-plans.sh [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--rows 10000000] [--keep true]
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
if [ "${FRAUD_SKIP_BUILD:-}" != "1" ]; then mvn -q -B package -DskipTests; fi
exec "$JAVA_HOME/bin/java" -Xmx512m -cp "$NODE_CP" dev.fraudscore.node.analyst.AnalystPlans "$@"
