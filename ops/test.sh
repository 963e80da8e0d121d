#!/usr/bin/env bash
# The test command: builds everything and runs the whole suite: fast unit tests (surefire) and
# integration tests (failsafe) against a real PostgreSQL, a real Kafka broker, real Hazelcast and the
# real model. PostgreSQL: FRAUD_TEST_PG_URL if set, else Testcontainers where Docker runs, else embedded.
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
echo "testing with $JAVA_HOME" >&2
exec mvn -B verify "$@"
