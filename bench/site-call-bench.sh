#!/usr/bin/env bash
# Site-call benchmark (on demand; not part of the Maven build). Builds offline if needed (package, no
# install), then in one run:
#   1. bench/SiteCallBench.java with the Java source launcher on the node's test classpath: a signed
#      PartyService/Ping between two real nodes beside the same call MAC'd (--site-call-auth mac) and
#      unsigned, on h2c and on mutual TLS;
#   2. the auth module's io.fedflow.auth.bench.SignatureBench: Ed25519 sign/verify per second of
#      SiteSigner / PeerKeySignatureCheck beside BouncyCastle's raw Ed25519Signer.
#   bench/site-call-bench.sh [--payload-bytes 256] [--rounds 5] [--round-ms 3000] [--warmup-ms 8000]
#                            [--concurrency 1,8] [--only "variant;variant"] [--no-signature-bench]
#                            [--jar DIR] [--jfr FILE] [--windows FILE]
#   --windows FILE: append "variant|callers|start|end" (epoch s) per measured round, to cut a JFR by variant.
#   --jar DIR: run against the build in DIR, another checkout already packaged (e.g. main for a before/after:
#              git archive main | tar -x -C DIR && (cd DIR && mvn -q -B -o -pl proto,auth,node -am package
#              -DskipTests)); this checkout's bench source, that checkout's classes. Nothing is built then.
#   --jfr FILE: record the run with Java Flight Recorder (settings=profile) into FILE (see bench/jfr-top.py).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bench="$root/bench/SiteCallBench.java"
signatures=1
jfr=()
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-signature-bench) signatures=0 ;;
    --jar) root="$(cd "$2" && pwd)"; shift ;;
    --jfr) jfr=("-XX:StartFlightRecording=settings=profile,filename=$2"); shift ;;
    *) args+=("$1") ;;
  esac
  shift
done
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ "$root" != "$(cd "$(dirname "$0")/.." && pwd)" ]; then
  [ -f "$jar" ] || { echo "no $jar: package that checkout first" >&2; exit 2; }
elif [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] || [ ! -d "$root/node/target/test-classes" ] \
   || [ ! -d "$root/auth/target/test-classes" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$root/node/target/test-classes:$(cat "$root/node/target/classpath.txt")"
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), nproc $(nproc), $(uptime | sed 's/.*load average/load average/')," \
  "classes of $root"
java -Xmx1g "${jfr[@]+"${jfr[@]}"}" -cp "$cp" "$bench" "${args[@]+"${args[@]}"}" 2> >(grep -v -E "^\s+at |WARN|^Caused|^\s+\.\.\." >&2)
if [ "$signatures" = 1 ]; then
  echo
  java -cp "$root/auth/target/test-classes:$cp" io.fedflow.auth.bench.SignatureBench
fi
