#!/usr/bin/env bash
# Measures the heap each remembered transaction id and each card/terminal velocity state takes in the
# Hazelcast maps (node's map configuration, one member) and prints the README's sizing table.
#   ops/memory-sizing.sh [entries, default 200000]
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
if [ "${FRAUD_SKIP_BUILD:-}" != "1" ]; then
  mvn -q -B package -DskipTests
fi
exec "$JAVA_HOME/bin/java" -Xmx4g -XX:+UseG1GC -cp "$NODE_CP" dev.fraudscore.node.cluster.MemorySizing "$@"
