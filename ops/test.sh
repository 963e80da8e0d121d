#!/usr/bin/env bash
# The test command: builds everything and runs the whole suite: fast unit tests (surefire) and
# integration tests (failsafe) against a real PostgreSQL, a real Kafka broker, real Hazelcast and the
# real model. PostgreSQL: FRAUD_TEST_PG_URL if set, else Testcontainers where Docker runs, else embedded.
# First the alert rules with promtool; DashboardMetricsIT then checks every series they and the dashboard name.
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
echo "testing with $JAVA_HOME" >&2
# the Prometheus alert rules, checked by Prometheus's own tool (Debian package prometheus, installed when missing)
if ! command -v promtool >/dev/null 2>&1; then
  echo "installing promtool (Debian package prometheus) ..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus) \
    >/dev/null 2>&1 || true
fi
if command -v promtool >/dev/null 2>&1; then
  promtool check rules ops/prometheus/alerts.yml
else
  echo "WARNING: promtool could not be installed: ops/prometheus/alerts.yml not checked by promtool" >&2
fi
# the console's browser tests drive the system's Chromium (Debian packages chromium and chromium-driver)
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "installing chromium and chromium-driver (the console's browser tests) ..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    chromium chromium-driver) >/dev/null 2>&1 \
    || echo "WARNING: chromium could not be installed: ConsoleBrowserIT will fail" >&2
fi
exec mvn -B verify "$@"
