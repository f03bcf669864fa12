#!/usr/bin/env bash
# Memory bench of issue 14 goal 2 (on demand; not part of the Maven build): time and peak RSS of a two-party
# Reader -> DataTransform -> Intersection -> HeteroFeatureBinning -> HeteroLR (3 iterations) per table size.
#   bench/memory-bench.sh [--rows 10000,100000] [--xmx 1g] [--batch-size 20000] [--seed 14] [--work DIR]
#                         [--timeout-minutes 120] [--mark-every-seconds 60]
# Builds the node offline if needed (mvn package, never install; FEDFLOW_SKIP_BUILD=1 runs what is built), copies its jar and classpath to the work
# directory (so that a rebuild during a run changes nothing), generates the tables with bench/GenWide.java
# (kept under DIR/data for the next run), then runs bench/MemoryBench.java: guest 9999 and host 10000 (also the
# arbiter) as two java processes (-Xmx1g, exit on OutOfMemoryError), each with its own embedded PostgreSQL under
# DIR (default bench/work/memory, git-ignored), on random free ports. Every --mark-every-seconds (0: never) and at the
# job's end it forces a full collection at each node (jcmd PID GC.run) and prints the heap left (GC.heap_info):
# the live heap, which the heap after young collections only bounds from above. Exits 1 naming the node and the component
# when a node dies or the job fails.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/bench/work/memory"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--work" ]; then work="${args[$((i + 1))]}"; fi
done
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ -z "${FEDFLOW_SKIP_BUILD:-}" ] && { [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src/main" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; }; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
mkdir -p "$work/lib"
rm -f "$work"/lib/*.jar
cp "$jar" "$work/lib/"
cp=""
for f in $(tr ':' ' ' < "$root/node/target/classpath.txt"); do
  case "$f" in
    "$root"/*) cp "$f" "$work/lib/"; f="$work/lib/$(basename "$f")" ;;
  esac
  cp="$cp:$f"
done
echo "$work/lib/$(basename "$jar")$cp" > "$work/classpath.txt"
exec java -Xmx256m -cp "$(cat "$work/classpath.txt")" "$root/bench/MemoryBench.java" --root "$root" --work "$work" \
  --classpath-file "$work/classpath.txt" "$@"
