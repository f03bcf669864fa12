#!/usr/bin/env bash
# Transfer channel benchmark (on demand; not part of the Maven build). Builds the node offline if needed
# (mvn package, never install), then runs bench/TransferBench.java with the Java source launcher on the
# node's classpath.
#   bench/transfer-bench.sh [--mb 100] [--runs 5] [--warmup 2] [--chunk-kib 1024] [--work DIR]
#   bench/transfer-bench.sh --mode messages [--count 200] [--bytes 4096] [--streams 1,4] [--runs 5] [--warmup 2]
#   bench/transfer-bench.sh --mode split [--count 200] [--bytes 4096] [--runs 5] [--warmup 2]  (where a delivery goes)
# Two nodes (guest 9999, host 10000) run in the bench JVM, each with its own embedded PostgreSQL under
# bench/work/transfer (git-ignored), peers of each other over their signed site ports on loopback.
# --jar DIR (first) runs a saved build (DIR holding fedflow-node-0.1.0-SNAPSHOT.jar and classpath.txt: a
# before/after comparison in one sitting) instead of building this tree.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
if [ "${1:-}" = "--jar" ]; then
  cp="$2/fedflow-node-0.1.0-SNAPSHOT.jar:$(cat "$2/classpath.txt")"; shift 2
  exec java -Xmx512m --add-opens java.base/java.math=ALL-UNNAMED -cp "$cp" "$root/bench/TransferBench.java" --root "$root" "$@"
fi
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
# A heap far below the payload: neither side may hold a message whole.
exec java -Xmx512m -cp "$cp" "$root/bench/TransferBench.java" --root "$root" "$@"
