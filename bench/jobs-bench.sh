#!/usr/bin/env bash
# Jobs benchmark (on demand; not part of the Maven build). Builds the node offline if needed, then runs
# bench/JobsBench.java with the Java source launcher on the node's classpath.
#   bench/jobs-bench.sh [--window 60] [--clients 8] [--latency-clients 64] [--slice 5] [--cores 16]
#                       [--client wrk|java] [--poll-ms 100] [--warmup 10] [--warmup-rounds 2] [--idle-rounds 1] [--no-solo]
#                       [--node-java-opts '-Xmx512m'] [--work DIR]
# --client wrk (the default when wrk is on PATH; apt-get install wrk) or java (java.net.http in the bench JVM).
# Node data dir and logs go to bench/work/ (git-ignored). The baseline Armeria server runs in a second JVM
# started from the same file (--serve-baseline PORT).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o install -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o install -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx512m -cp "$cp" "$root/bench/JobsBench.java" --root "$root" "$@"
