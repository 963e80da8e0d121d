#!/usr/bin/env bash
# Overload and failure drills, each one command that prints its figures (README "Drills"):
#   ops/drill.sh cold-start   a node started cold by ops/run.sh (defaults), wrk -t2 -c64 for 30 s at once; then the
#                             same with admission control off, for the throughput it must not fall below
#   ops/drill.sh overload     open loop at half and at twice the closed-loop rate the node sustains, 60 s each:
#                             refusal latency, accepted p99 against the unloaded p99, every accepted decision audited
#   ops/drill.sh postgres     PostgreSQL stopped 30 s under 500 checks/s (node, PostgreSQL and Kafka of its own)
#   ops/drill.sh kafka        the Kafka broker stopped 30 s under HTTP load, records produced before, during, after
#   ops/drill.sh hazelcast    a running ops/cluster.sh cluster: one member paused (SIGSTOP) 15 s under load
#   ops/drill.sh durability   the decision log's cost: audit.durability fsync and write, open loop 1,000/s and wrk
#   ops/drill.sh disk-full    a node whose decision log sits on a 2 MiB tmpfs that fills up: 503, not ready, no row lost
#   ops/drill.sh kafka-transactions   the latency exactly-once output on "decisions" would add (own broker)
#   ops/drill.sh kill         ops/cluster.sh start 3, then kill -9 of node 2 under 300 checks/s and its restart, five
#                             runs: every transaction answered 200 has exactly one audit row
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
SECONDS_EACH=${FRAUD_DRILL_SECONDS:-30}

node_up() { # log file: waits for the node's banner
  for _ in $(seq 1 240); do grep -q "is ready" "$1" && return 0; sleep 0.5; done
  echo "node did not start; see $1" >&2; exit 1
}
stop_node() { pkill -f dev.fraudscore.node.FraudNode || true; for _ in $(seq 1 60); do pgrep -f dev.fraudscore.node.FraudNode >/dev/null || return 0; sleep 0.5; done; }
decide_key() { cat var/keys/decide.key 2>/dev/null; } # written by a node started here on its first start
ensure_wrk() {
  command -v wrk >/dev/null 2>&1 && return
  echo "installing wrk from the OS packages ..." >&2
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
}
cold_wrk() { # label env...: a cold node by the README's command, then wrk at once
  local label=$1; shift
  stop_node; rm -rf var
  env "$@" FRAUD_SKIP_BUILD=1 nohup bash ops/run.sh > "var-drill-$label.log" 2>&1 &
  node_up "var-drill-$label.log"
  echo "== $label: wrk -t2 -c64 -d${SECONDS_EACH}s, started the moment the node was ready"
  WRK_KEY="$(decide_key)" WRK_RUN="$label$$" wrk -t2 -c64 -d"${SECONDS_EACH}s" -s ops/wrk/authorize.lua http://127.0.0.1:8080 | grep -E "Requests/sec|statuses|latency p50"
  curl -s http://127.0.0.1:8081/metrics | grep -E '^fraud_admission_(limit|refused_total)' || true
  stop_node
}

case "${1:-}" in
  cold-start)
    [ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests
    ensure_wrk
    cold_wrk admission-default
    cold_wrk admission-off FRAUD_ADMISSION_ADAPTIVE=false
    rm -f var-drill-*.log
    ;;
  overload)
    # a node must be running (ops/run.sh); the generator warms up first, then measures
    run_bench dev.fraudscore.bench.OverloadDrill "${@:2}"
    ;;
  postgres|kafka)
    run_bench dev.fraudscore.bench.OutageDrill --dependency "$1" "${@:2}"
    ;;
  hazelcast)
    run_bench dev.fraudscore.bench.PauseDrill "${@:2}"
    ;;
  disk-full)
    # the decision log's disk fills up under load: the node answers 503 instead of deciding what it cannot record,
    # is not ready, reports it once, and takes checks again once there is room; every 200 has its audit row
    [ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests
    stop_node; rm -rf var; mkdir -p var/drill-disk
    mount -t tmpfs -o size=2m tmpfs var/drill-disk || { echo "needs root to mount a 2 MiB tmpfs" >&2; exit 1; }
    trap 'stop_node; umount -l var/drill-disk 2>/dev/null || true; rm -f var-drill-disk.log' EXIT
    FRAUD_AUDIT_LOG_DIR=var/drill-disk/log FRAUD_SKIP_BUILD=1 nohup bash ops/run.sh > var-drill-disk.log 2>&1 &
    node_up var-drill-disk.log
    dd if=/dev/zero of=var/drill-disk/filler bs=64k count=28 2>/dev/null || true # about 200 KiB left
    run="df$$"; ok=0; refused=0; other=0; ready=""
    check() { # $1 = transaction number; prints the HTTP status
      curl -s -o /dev/null -w '%{http_code}' -X POST http://127.0.0.1:8080/v1/authorize-check \
        -H "Authorization: Bearer $(decide_key)" \
        -H 'Content-Type: application/json' \
        -d "{\"transactionId\":\"$run-$1\",\"cardId\":\"card_$(( $1 % 50 ))\",\"terminalId\":\"term-1\",\"amount\":25.00,\"currency\":\"EUR\",\"timestamp\":\"$(date -u +%Y-%m-%dT%H:%M:%SZ)\"}"
    }
    for i in $(seq 1 600); do
      case $(check "$i") in 200) ok=$((ok + 1)) ;; 503) refused=$((refused + 1)) ;; *) other=$((other + 1)) ;; esac
    done
    sleep 2; ready=$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/health/ready)
    echo "== disk full: 600 checks: $ok decided (200), $refused refused (503), $other other; readiness while full: $ready"
    echo "   errors logged about the disk: $(grep -c 'cannot be written' var-drill-disk.log)"
    rm -f var/drill-disk/filler
    sleep 3 # the readiness check probes the disk every health.intervalMs (1 s)
    after=0; for i in $(seq 601 700); do [ "$(check "$i")" = 200 ] && after=$((after + 1)); done
    echo "== room again: 100 checks, $after decided; readiness $(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:8080/health/ready)"
    for _ in $(seq 1 60); do
      rows=$(psql -At "postgresql://postgres@127.0.0.1:15432/postgres" -c "SELECT count(*) FROM audit.decisions WHERE transaction_id LIKE '$run-%'")
      [ "$rows" -ge $((ok + after)) ] && break; sleep 1
    done
    echo "== audit rows: $rows for $((ok + after)) decided"
    [ $refused -gt 0 ] && [ "$ready" = 503 ] && [ "$rows" -eq $((ok + after)) ] && [ $after -eq 100 ] && echo "DRILL PASSED" || { echo "DRILL FAILED"; exit 1; }
    ;;
  kafka-transactions)
    # what exactly-once output would cost: idempotent producer (as the node) vs transactions committed per batch
    run_bench dev.fraudscore.bench.KafkaTransactionCost "${@:2}"
    ;;
  kill)
    # three nodes behind HAProxy (started here if they are not running), kill -9 of one under 300 checks/s, five times
    bash ops/cluster.sh start 3 >/dev/null
    run_bench dev.fraudscore.bench.KillDrill --lb "http://127.0.0.1:${FRAUD_LB_PORT:-8080}" --dir var/cluster "${@:2}"
    ;;
  durability)
    # the decision log's cost: the same cold node with audit.durability fsync and write, each warmed 10 s, then
    # an open loop at 1,000 checks/s (latency) and a closed loop of 64 connections (throughput)
    [ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests
    ensure_wrk
    for mode in ${FRAUD_DRILL_MODES:-fsync write}; do
      stop_node; rm -rf var
      FRAUD_AUDIT_DURABILITY=$mode FRAUD_SKIP_BUILD=1 nohup bash ops/run.sh > "var-drill-$mode.log" 2>&1 &
      node_up "var-drill-$mode.log"
      WRK_KEY="$(decide_key)" WRK_RUN="warm-$mode$$" wrk -t2 -c32 -d10s -s ops/wrk/authorize.lua http://127.0.0.1:8080 >/dev/null
      echo "== audit.durability=$mode: open loop, 1,000 checks/s"
      "$JAVA_HOME/bin/java" -Xmx1g --enable-native-access=ALL-UNNAMED \
        -cp "modules/bench/target/classes:$(cat modules/bench/target/bench.classpath)" dev.fraudscore.bench.SmokeBench \
        --rate 1000 --requests 30000 --warmup 2000 --concurrency 256 | grep -E "p50|throughput|audited|CPU" || true
      echo "== audit.durability=$mode: wrk -t2 -c64 -d${SECONDS_EACH}s"
      WRK_KEY="$(decide_key)" WRK_RUN="$mode$$" wrk -t2 -c64 -d"${SECONDS_EACH}s" -s ops/wrk/authorize.lua http://127.0.0.1:8080 | grep -E "Requests/sec|statuses|latency p50"
      curl -s http://127.0.0.1:8081/metrics | grep -E '^fraud_audit_log_(syncs|appends)_total' || true
      stop_node
    done
    rm -f var-drill-*.log
    ;;
  *) sed -n '2,15p' "$0"; exit 2 ;;
esac
