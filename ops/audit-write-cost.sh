#!/usr/bin/env bash
# What an audit row costs PostgreSQL: the node's INSERT .. FROM UNNEST against COPY, on the same synthetic rows,
# each into a fresh database: PostgreSQL backend CPU per row, rows/s, bytes on disk per row (issue 13, point 3).
#   ops/audit-write-cost.sh [--postgres postgresql://postgres@127.0.0.1:5432/postgres] [--rows 200000] [--batch 500]
# The server must run on this machine (its backend's CPU is read from /proc).
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
if [ "${FRAUD_SKIP_BUILD:-}" != "1" ]; then mvn -q -B package -DskipTests; fi
exec "$JAVA_HOME/bin/java" -Xmx2g -cp "$NODE_CP" dev.fraudscore.node.audit.AuditWriteCost "$@"
