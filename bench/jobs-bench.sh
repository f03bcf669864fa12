#!/usr/bin/env bash
# Jobs benchmark (on demand; not part of the Maven build). Builds the node offline if needed, then runs
# bench/JobsBench.java with the Java source launcher on the node's classpath.
#   bench/jobs-bench.sh [--window 60] [--clients 8] [--latency-clients 64] [--slice 5] [--cores 16]
#                       [--client wrk|java] [--poll-ms 100] [--warmup 10] [--warmup-rounds 2] [--idle-rounds 1] [--no-solo]
#                       [--node-java-opts '-Xmx512m'] [--work DIR]
#   bench/jobs-bench.sh --queries-only [--rounds 5] [--slice 5] [--warmup 10] [--warmup-rounds 1]
#                       (issue 14 goal 3: job/query vs the echo baseline, req/s ratio and CPU per request, no jobs)
# --client wrk (the default when wrk is on PATH; apt-get install wrk) or java (java.net.http in the bench JVM).
# Node data dir and logs go to bench/work/ (git-ignored). The baseline Armeria server runs in a second JVM
# started from the same file (--serve-baseline PORT).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  # package, not install: the reactor puts this tree's proto and auth jars on classpath.txt
  echo "building (mvn -q -B -o package -DskipTests -pl node -am)..." >&2
  (cd "$root" && mvn -q -B -o package -DskipTests -pl node -am) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx512m -cp "$cp" "$root/bench/JobsBench.java" --root "$root" "$@"
