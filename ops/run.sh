#!/usr/bin/env bash
# The run command: builds the project if needed and starts one node. With nothing configured it starts
# a real PostgreSQL (embedded binaries from Maven) and a real Kafka broker (KRaft, from the Maven jars),
# keeping their data under var/. Configure with --config FILE or FRAUD_* variables (see README).
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
if [ "${FRAUD_SKIP_BUILD:-}" != "1" ]; then
  echo "building (mvn package, tests skipped) with $JAVA_HOME ..." >&2
  mvn -q -B package -DskipTests
fi
# the development command: embedded PostgreSQL and Kafka when none is configured (a node started otherwise refuses)
export FRAUD_NODE_DEV="${FRAUD_NODE_DEV:-true}"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" ${FRAUD_JAVA_OPTS:--Xms1g -Xmx2g} $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.node.FraudNode "$@"
