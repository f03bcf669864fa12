#!/usr/bin/env bash
# Paillier benchmark (on demand; not part of the Maven build). Builds the node offline if needed (mvn
# package, never install), then runs bench/PaillierBench.java with the Java source launcher on the node's
# classpath.
#   bench/paillier-bench.sh [--bits 1024,2048] [--seconds 2]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java --add-opens java.base/java.math=ALL-UNNAMED -cp "$cp" "$root/bench/PaillierBench.java" "$@"
