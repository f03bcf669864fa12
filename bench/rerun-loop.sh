#!/usr/bin/env bash
# Reliability loop: stop and rerun of a running federated job, many times in a row (on demand; not part
# of the Maven build). Builds the node offline if needed (mvn package, never install), then runs
# bench/RerunLoop.java with the Java source launcher on the node's classpath.
#   bench/rerun-loop.sh [--cycles 20] [--max-stop-delay-ms 4000] [--seed 1] [--work DIR]
# Two nodes (guest 20001; host and arbiter 10001) run in the bench JVM, each with its own embedded PostgreSQL
# under bench/work/rerun (git-ignored). The job is the seed pipeline (examples/breast_pipeline_*.json with
# those party ids and auto_retries 1). Each cycle: HeteroLR is made to run (the first submit, then a forced
# rerun of hetero_lr_0), stopped at a random moment while it runs, and the job rerun; the cycle passes when
# the rerun ends in success at both sites with every party's hetero_lr_0 task on the same version.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx1g -cp "$cp" "$root/bench/RerunLoop.java" --root "$root" "$@"
