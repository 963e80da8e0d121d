#!/usr/bin/env bash
# A local cluster of N nodes (default 3) on loopback behind HAProxy with health checks.
#   ops/cluster.sh start [N]     build, start PostgreSQL + Kafka (embedded, unless FRAUD_POSTGRES_URL and
#                                FRAUD_KAFKA_BOOTSTRAP_SERVERS are set), N nodes, HAProxy on 127.0.0.1:8080 and
#                                https://127.0.0.1:8443 (TLS terminated there; FRAUD_TLS=0: none)
#   ops/cluster.sh stop          stop everything this script started
#   ops/cluster.sh status        nodes, their readiness, and the load balancer
#   ops/cluster.sh start-node I  (re)start node I alone (the drill uses it after a kill -9)
#   ops/cluster.sh drill         node-loss drill against the running cluster (asserts; prints the figures)
# Node I listens on HTTP 18080+I, admin 18180+I, Hazelcast 5700+I; logs and pids are in var/cluster/.
set -euo pipefail
cd "$(dirname "$0")/.."
. ops/lib/java.sh
DIR=var/cluster
LB_PORT=${FRAUD_LB_PORT:-8080}
TLS_PORT=${FRAUD_LB_TLS_PORT:-8443}
mkdir -p "$DIR"

nodes_count() { cat "$DIR/nodes" 2>/dev/null || echo 3; }
members() { local n=$1 m=""; for i in $(seq 1 "$n"); do m="$m${m:+,}127.0.0.1:$((5700 + i))"; done; echo "$m"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

ensure_haproxy() {
  if ! command -v haproxy >/dev/null 2>&1; then
    echo "installing haproxy from the OS packages ..." >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq haproxy) >/dev/null
  fi
}

start_infra() {
  if [ -n "${FRAUD_POSTGRES_URL:-}" ] && [ -n "${FRAUD_KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
    printf 'POSTGRES_URL=%s\nKAFKA_BOOTSTRAP_SERVERS=%s\n' "$FRAUD_POSTGRES_URL" "$FRAUD_KAFKA_BOOTSTRAP_SERVERS" > "$DIR/infra.env"
    return
  fi
  if alive "$DIR/infra.pid"; then return; fi
  nohup "$JAVA_HOME/bin/java" -Xmx512m -cp "$NODE_CP" dev.fraudscore.devinfra.InfraMain "$DIR" 15432 19092 19093 \
    > "$DIR/infra.log" 2>&1 &
  echo $! > "$DIR/infra.pid"
  for _ in $(seq 1 180); do grep -q INFRA_READY "$DIR/infra.log" && break; sleep 1; done
  grep -q INFRA_READY "$DIR/infra.log" || { echo "infrastructure did not start; see $DIR/infra.log" >&2; exit 1; }
  grep -E '^(POSTGRES_URL|KAFKA_BOOTSTRAP_SERVERS)=' "$DIR/infra.log" > "$DIR/infra.env"
}

start_node() {
  local i=$1 n; n=$(nodes_count)
  . "$DIR/infra.env"
  mkdir -p "$DIR/node-$i"
  # shellcheck disable=SC2086
  FRAUD_NODE_ID="node-$i" FRAUD_HTTP_HOST=127.0.0.1 FRAUD_HTTP_PORT=$((18080 + i)) FRAUD_ADMIN_PORT=$((18180 + i)) \
  FRAUD_CLUSTER_PORT=$((5700 + i)) FRAUD_CLUSTER_MEMBERS="$(members "$n")" \
  FRAUD_POSTGRES_URL="$POSTGRES_URL" FRAUD_KAFKA_BOOTSTRAP_SERVERS="$KAFKA_BOOTSTRAP_SERVERS" \
  FRAUD_AUDIT_LOG_DIR="$DIR/node-$i/audit-log" FRAUD_SECURITY_KEYS_DIR="$DIR/keys" \
  nohup "$JAVA_HOME/bin/java" ${FRAUD_JAVA_OPTS:--Xms512m -Xmx1g} $FRAUD_JVM_FLAGS -cp "$NODE_CP" dev.fraudscore.node.FraudNode \
    >> "$DIR/node-$i.log" 2>&1 &
  echo $! > "$DIR/node-$i.pid"
}

await_ready() {
  local i=$1
  for _ in $(seq 1 240); do
    if curl -sf -o /dev/null "http://127.0.0.1:$((18080 + i))/health/ready"; then return 0; fi
    alive "$DIR/node-$i.pid" || { echo "node $i exited; see $DIR/node-$i.log" >&2; return 1; }
    sleep 0.5
  done
  echo "node $i not ready after 120 s; see $DIR/node-$i.log" >&2; return 1
}

write_haproxy() {
  # the settings live once, in ops/haproxy/haproxy.cfg (also docker-compose's); only addresses are replaced here.
  # TLS on 127.0.0.1:$TLS_PORT with a certificate from ops/tls.sh (var/cluster/tls) unless FRAUD_TLS=0
  local n tls=""; n=$(nodes_count)
  if [ "${FRAUD_TLS:-1}" != "0" ]; then
    [ -f "$DIR/tls/haproxy.pem" ] || ops/tls.sh server "$DIR/tls" >/dev/null
    tls="127.0.0.1:$TLS_PORT ssl crt $DIR/tls/haproxy.pem"
  fi
  awk -v bind="127.0.0.1:$LB_PORT" -v tls="$tls" -v n="$n" '
    /^  bind .* ssl / { if (tls != "") print "  bind " tls; next }
    /^  bind / { print "  bind " bind; next }
    /^  server / { next }
    { print }
    /^  default-server / { for (i = 1; i <= n; i++) printf "  server node-%d 127.0.0.1:%d check\n", i, 18080 + i }
  ' ops/haproxy/haproxy.cfg > "$DIR/haproxy.cfg"
}

case "${1:-}" in
  start)
    n=${2:-3}
    echo "$n" > "$DIR/nodes"
    [ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B package -DskipTests
    ensure_haproxy
    start_infra
    for i in $(seq 1 "$n"); do alive "$DIR/node-$i.pid" || start_node "$i"; done
    for i in $(seq 1 "$n"); do await_ready "$i"; done
    write_haproxy
    if alive "$DIR/haproxy.pid"; then kill "$(cat "$DIR/haproxy.pid")"; sleep 0.5; fi
    haproxy -D -f "$DIR/haproxy.cfg" -p "$DIR/haproxy.pid"
    echo "cluster of $n nodes ready behind http://127.0.0.1:$LB_PORT/v1/authorize-check (haproxy, health checks on /health/ready)"
    [ "${FRAUD_TLS:-1}" = "0" ] || echo "  and https://127.0.0.1:$TLS_PORT/v1/authorize-check (TLS terminated by haproxy; CA $DIR/tls/ca.pem)"
    ;;
  start-node)
    start_node "$2"; await_ready "$2"; echo "node $2 ready" ;;
  stop)
    if alive "$DIR/haproxy.pid"; then kill "$(cat "$DIR/haproxy.pid")"; fi
    for f in "$DIR"/node-*.pid; do [ -f "$f" ] && alive "$f" && kill "$(cat "$f")"; done
    for f in "$DIR"/node-*.pid; do
      [ -f "$f" ] || continue
      for _ in $(seq 1 60); do alive "$f" || break; sleep 0.5; done
      rm -f "$f"
    done
    if alive "$DIR/infra.pid"; then kill "$(cat "$DIR/infra.pid")"; for _ in $(seq 1 60); do alive "$DIR/infra.pid" || break; sleep 0.5; done; fi
    rm -f "$DIR/infra.pid" "$DIR/haproxy.pid"
    echo "cluster stopped"
    ;;
  status)
    for i in $(seq 1 "$(nodes_count)"); do
      state=down; alive "$DIR/node-$i.pid" && state=$(curl -s -m 2 "http://127.0.0.1:$((18080 + i))/health/ready" || echo unreachable)
      echo "node-$i: $state"
    done
    alive "$DIR/haproxy.pid" && echo "haproxy: up on 127.0.0.1:$LB_PORT" || echo "haproxy: down"
    ;;
  drill)
    . "$DIR/infra.env"
    run_bench dev.fraudscore.bench.Drill --lb "http://127.0.0.1:$LB_PORT" --db "$POSTGRES_URL" \
      --kafka "$KAFKA_BOOTSTRAP_SERVERS" --dir "$DIR" "${@:2}"
    ;;
  *) sed -n '2,10p' "$0"; exit 2 ;;
esac
