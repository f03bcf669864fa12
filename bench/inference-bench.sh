#!/usr/bin/env bash
# Online inference benchmark (on demand; not part of the Maven build). Builds the node offline if needed
# (mvn package, never install), then runs bench/InferenceBench.java with the Java source launcher on the
# node's classpath.
#   bench/inference-bench.sh [--requests 2000] [--batches 20] [--work DIR]
# Two nodes (guest 9999; host and arbiter 10000) run in the bench JVM, each with its own embedded PostgreSQL
# under bench/work/inference (git-ignored), peers over their signed site ports on loopback. It trains the
# breast pipeline of examples/, scores the breast rows with a predict job (timed), loads and binds the model,
# then times single requests to /federation/v1/inference at 1 and 16 concurrent clients (p50, p99) and
# batchInference requests of 1,000 rows (rows/s).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx1g -cp "$cp" "$root/bench/InferenceBench.java" --root "$root" "$@"
