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
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] || [ ! -d "$root/node/target/test-classes" ] \
   || [ ! -d "$root/auth/target/test-classes" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
signatures=1
args=()
for a in "$@"; do
  if [ "$a" = "--no-signature-bench" ]; then signatures=0; else args+=("$a"); fi
done
cp="$jar:$root/node/target/test-classes:$(cat "$root/node/target/classpath.txt")"
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), nproc $(nproc), $(uptime | sed 's/.*load average/load average/')"
java -Xmx1g -cp "$cp" "$root/bench/SiteCallBench.java" "${args[@]+"${args[@]}"}" 2> >(grep -v -E "^\s+at |WARN|^Caused|^\s+\.\.\." >&2)
if [ "$signatures" = 1 ]; then
  echo
  java -cp "$root/auth/target/test-classes:$cp" io.fedflow.auth.bench.SignatureBench
fi
