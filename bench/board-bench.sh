#!/usr/bin/env bash
# Board benchmark (on demand; not part of the Maven build): fills a fresh node with jobs through its API, then
# measures p50/p99 of the board's JSON routes. Packages the node offline if needed (never installs), then runs
# bench/BoardBench.java with the Java source launcher on the node's classpath.
#   bench/board-bench.sh [--jobs 10000] [--calls 200] [--warmup 20] [--fill-clients 4]
# Node data dir and log go to bench/work/board-<millis>/ (git-ignored).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx512m -cp "$cp" "$root/bench/BoardBench.java" --root "$root" "$@"
