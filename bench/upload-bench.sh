#!/usr/bin/env bash
# Upload benchmark (on demand; not part of the Maven build). Builds the node jar offline if needed, then
# runs bench/UploadBench.java with the Java source launcher on the node's classpath.
#   bench/upload-bench.sh [--rounds 3] [--warmup 1] [--starts 3] [--size-mb 210] [--idle-seconds 10]
#                         [--skip-starts] [--node-java-opts '-Xmx128m'] [--work DIR]
# Generated CSV, node data dirs and node logs go to bench/work/ (git-ignored). Needs ~1.5 GB free disk and
# the JDK's jstat on PATH. --root DIR runs another build's bin/fedflow-node (e.g. a copy of an older jar).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o package -DskipTests) >&2
fi
cp="$jar:$(cat "$root/node/target/classpath.txt")"
exec java -Xmx256m -cp "$cp" "$root/bench/UploadBench.java" --root "$root" "$@"
