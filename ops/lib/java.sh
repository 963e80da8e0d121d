# Sourced by the ops scripts: exports JAVA_HOME pointing at a JDK >= 21 (the project's target).
# Order: $JAVA_HOME if it is new enough, the java on PATH if it is, else the newest JDK under /usr/lib/jvm.

java_major() { # $1 = a JDK home; prints its major version or nothing
  [ -x "$1/bin/java" ] || return 0
  "$1/bin/java" -XshowSettings:properties -version 2>&1 |
    awk -F'= ' '/java.specification.version/ { v=$2; sub(/^1\./, "", v); print int(v) }'
}

pick_java() {
  local v home best="" best_v=0
  if [ -n "${JAVA_HOME:-}" ]; then
    v=$(java_major "$JAVA_HOME"); [ "${v:-0}" -ge 21 ] && return 0
  fi
  if command -v java >/dev/null 2>&1; then
    home=$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")
    v=$(java_major "$home")
    if [ "${v:-0}" -ge 21 ]; then export JAVA_HOME="$home"; return 0; fi
  fi
  for home in /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$home" ] || continue
    v=$(java_major "$home")
    if [ "${v:-0}" -ge 21 ] && [ "$v" -gt "$best_v" ]; then best="$home"; best_v="$v"; fi
  done
  if [ -z "$best" ]; then
    echo "fraudscore needs a JDK 21 or newer; none found (set JAVA_HOME)" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

pick_java || exit 1
export PATH="$JAVA_HOME/bin:$PATH"

# Flags every node JVM gets (one file, shared with the tests and the container image).
FRAUD_JVM_FLAGS="@ops/jvm.options"
NODE_CP="verticles/target/fraudscore-node.jar:verticles/target/lib/*"

# The bench module (replay, evaluator, drill, smoke benchmark): built, then run with its classpath.
run_bench() { # main-class args...
  [ "${FRAUD_SKIP_BUILD:-}" = "1" ] || mvn -q -B -pl modules/bench -am package -DskipTests
  local main=$1; shift
  exec "$JAVA_HOME/bin/java" -Xmx2g --enable-native-access=ALL-UNNAMED \
    -cp "modules/bench/target/classes:$(cat modules/bench/target/bench.classpath)" "$main" "$@"
}
