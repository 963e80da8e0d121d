#!/usr/bin/env bash
# What 50 active rules and 100,000 list entries add to a decision (issue 15, point 4): the JMH benchmark
# RulesBench (verticles' test sources) times DecisionPolicy.scored per decision in JMH's sample mode, without rules
# or lists and with them, and prints the percentiles of each and the p99 each setup adds. Options go to JMH
# (e.g. -p setup=none,rules50_lists100k  -wi 3 -i 3).
#   ops/rules-bench.sh [JMH options]
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
if [ "${FRAUD_SKIP_BUILD:-}" != "1" ]; then
  mvn -q -B install -DskipTests -Dspotless.check.skip=true
  mvn -q -B -pl verticles dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test.classpath
fi
out=$(mktemp -d)
"$JAVA_HOME/bin/java" -cp "verticles/target/test-classes:verticles/target/classes:$(cat verticles/target/test.classpath)" \
  org.openjdk.jmh.Main RulesBench -rf json -rff "$out/result.json" "$@"
python3 - "$out/result.json" <<'PY'
import json, sys
rows = {r["params"]["setup"]: r["primaryMetric"] for r in json.load(open(sys.argv[1]))}
print("\nper decision (us)   p50      p90      p99      p99.9    mean    samples")
for setup, m in rows.items():
    p = m["scorePercentiles"]
    n = sum(c for _, c in m["rawDataHistogram"][0][0]) if m.get("rawDataHistogram") else 0
    print(f"{setup:18s} {p['50.0']:7.2f}  {p['90.0']:7.2f}  {p['99.0']:7.2f}  {p['99.9']:7.2f}  {m['score']:6.2f}  {n}")
if "none" in rows:
    base = rows["none"]["scorePercentiles"]["99.0"]
    for setup, m in rows.items():
        if setup != "none":
            print(f"p99 added by {setup}: {m['scorePercentiles']['99.0'] - base:.2f} us")
PY
rm -rf "$out"
