#!/usr/bin/env bash
# Breast pipeline benchmark (on demand; not part of the Maven build). Builds the node offline if needed
# (mvn package, never install), then runs bench/PipelineBench.java with the Java source launcher on the
# node's classpath.
#   bench/pipeline-bench.sh [--jar DIR] [--jfr FILE] [--runs 3] [--warmup 1] [--work DIR] [--guest-csv F --host-csv F]
#                           [--thread-cpu] [--db-stats] [--pg-statements] [--job-floor]
# --jar DIR runs a saved build (DIR holding fedflow-node-0.1.0-SNAPSHOT.jar and classpath.txt: a before/after
# comparison in one sitting) instead of building this tree; --guest-csv/--host-csv upload another table pair
# of the breast shape (bench/BreastShapeData.java) in place of examples/data/breast_hetero_*.csv.
# --jfr FILE records the bench JVM with Java Flight Recorder (settings=profile: execution samples every 10-20 ms,
# allocation samples); each job prints its "window START END" (epoch seconds) for bench/jfr-top.py.
# --thread-cpu samples the bench JVM's threads from /proc every 500 ms and prints each job's CPU by thread class
# (JIT compilers, Paillier pools, Armeria, transfer...), over the whole job and over HeteroLR at the guest.
# Two nodes (guest 9999; host and arbiter 10000) run in the bench JVM, each with its own embedded PostgreSQL
# under bench/work/pipeline (git-ignored), peers of each other over their signed site ports on loopback; each
# run submits examples/breast_pipeline_{dsl,conf}.json as they are and times submit -> success.
# --db-stats prints each job's database work at both nodes (transactions, scans of t_transfer, rows fetched:
# pg_stat counters read after 11 s of quiet before and after the job).
# --job-floor prices bench/CryptoFloorBench.java's floor again just after each job, in this JVM (the nodes' compiled
# code, at that minute's speed of the machine), and prints each job's efficiency against it and their median.
# --pg-statements loads pg_stat_statements into both embedded servers (ALTER SYSTEM, then a restart) and prints,
# per job, each server's top statements by execution time and the servers' CPU by process (backends, walwriter...).
# The bench JVM takes the node's flags (bin/jvm-flags, as bin/fedflow-node does; with --jar, those of that build's
# tree, none when it has none). FEDFLOW_JAVA_OPTS is added after them (as bin/fedflow-node does), so
# a flag can be tried against what users run: FEDFLOW_JAVA_OPTS='-XX:+UseG1GC' bench/pipeline-bench.sh ...
# The JIT's compilations per job: FEDFLOW_JAVA_OPTS='-XX:StartFlightRecording:filename=F.jfr,jdk.Compilation#threshold=0ms'
# with --thread-cpu > OUT, then bench/jfr-compiles.py F.jfr OUT.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jfr=()
if [ "${1:-}" = "--jfr" ]; then
  jfr=("-XX:StartFlightRecording=filename=$2,settings=profile,dumponexit=true"); shift 2
fi
if [ "${1:-}" = "--jar" ]; then
  jar="$2/fedflow-node-0.1.0-SNAPSHOT.jar"; cp="$jar:$(cat "$2/classpath.txt")"
  # the JVM flags of that build's bin/fedflow-node (none before bin/jvm-flags existed)
  node_flags=()
  [ ! -f "$2/../../bin/jvm-flags" ] || read -r -d '' -a node_flags < "$2/../../bin/jvm-flags" || true
  shift 2
  if [ "${1:-}" = "--jfr" ]; then
    jfr=("-XX:StartFlightRecording=filename=$2,settings=profile,dumponexit=true"); shift 2
  fi
  exec java -Xmx1g "${node_flags[@]}" --add-opens java.base/java.math=ALL-UNNAMED ${FEDFLOW_JAVA_OPTS:-} "${jfr[@]}" -cp "$cp" "$root/bench/PipelineBench.java" --root "$root" "$@"
fi
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx1g $(cat "$root/bin/jvm-flags") --add-opens java.base/java.math=ALL-UNNAMED ${FEDFLOW_JAVA_OPTS:-} "${jfr[@]}" -cp "$cp" "$root/bench/PipelineBench.java" --root "$root" "$@"
