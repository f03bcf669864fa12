#!/usr/bin/env bash
# Pollers benchmark (on demand; not part of the Maven build): a local LR job's time idle and under 100 and 500
# concurrent pollers of /v1/job/query (wrk; apt-get install wrk). Runs bench/PollersBench.java (JDK only) against
# the checkout given by --root (default: this one), so that the same file measures the code before and after a
# change:
#   bench/pollers-bench.sh [--root DIR] [--label NAME] [--pollers 0,100,500] [--rounds 3] [--settle 5]
#                          [--node-args '--request-threads 4'] [--work DIR]
# Builds DIR's node offline if needed (mvn package, never install: the snapshot jars in ~/.m2 stay as they are).
# Node data dir and logs go to bench/work/ (git-ignored).
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
root="$here"
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
  if [ "${args[$i]}" = "--root" ]; then root="$(cd "${args[$((i + 1))]}" && pwd)"; fi
done
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 2; }
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src/main" "$root/proto/src" "$root/auth/src/main" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building $root (mvn -q -B -o -pl node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl node -am package -DskipTests) >&2
fi
cd "$here"
exec java -Xmx256m "$here/bench/PollersBench.java" --work "$here/bench/work" "$@"
