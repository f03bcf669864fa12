#!/usr/bin/env bash
# HeteroLR against the crypto floor (issue 14, goal 1; on demand, not part of the Maven build).
#   bench/crypto-floor-bench.sh [--jar DIR] [--runs 3] [--warmup 1] [--seconds 2] [--floor-runs 3] [--no-pipeline] [--busy-cores]
#                               [--rows N --features F [--seed S]]
# --jar DIR: a saved build (fedflow-node-0.1.0-SNAPSHOT.jar and classpath.txt) instead of this tree's, to compare
# before and after in one sitting. --rows/--features: instead of breast, a generated table pair of its shape
# (bench/BreastShapeData.java: fixed seed, a third of the features at the guest), e.g. issue 14's 1,800 x 64.
# 1. bench/CryptoFloorBench.java: each Paillier operation's CPU cost on one thread (parallel streams off, so
#    the thread's CPU time is the operation's), the operations one HeteroLR iteration needs per role on breast
#    (569 rows, batch 320, guest 10 features + intercept, host 20; the formula HeteroLRProtocolTest checks
#    against the keys' counters), and the floor = CPU work / cores (per party, and all roles on this machine).
#    Each operation's cost is the cheapest of three rounds after a warm-up, and the floor the lowest of
#    --floor-runs JVMs (3): one JVM may compile the same code to a slower form than another (an encryption read
#    148 us in one and 199 us in the next), and a floor read too high would flatter the efficiency.
# 2. bench/pipeline-bench.sh: the breast pipeline as it ships, with each job's Paillier counts from /metrics.
#    With --busy-cores each JVM also prices the same operations while every core runs one at once (each thread its
#    own encryptor): the floor assumes a core keeps its lone cost while the others work, which a virtual machine
#    whose cores share a physical core's units or caches would not give; that floor is printed beside the other.
# 3. Efficiency = floor / wall, from HeteroLR's elapsed time at the guest (median over the runs) and from the
#    whole pipeline's submit -> success. The pipeline bench also prices the same floor again just after each job
#    in its own JVM (--job-floor), at that minute's speed of the machine, and gives each job's efficiency against it.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
runs=3 warmup=1 seconds=2 floor_runs=3 pipeline=1 jardir="" rows="" features="" seed=14 busy_opt=()
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --seconds) seconds="$2"; shift 2 ;;
    --floor-runs) floor_runs="$2"; shift 2 ;;
    --no-pipeline) pipeline=0; shift ;;
    --busy-cores) busy_opt=(--busy-cores); shift ;;
    --jar) jardir="$(cd "$2" && pwd)"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --features) features="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
jar="$root/node/target/fedflow-node-0.1.0-SNAPSHOT.jar"
if [ -n "$jardir" ]; then
  jar="$jardir/fedflow-node-0.1.0-SNAPSHOT.jar"
elif [ ! -f "$jar" ] || [ ! -f "$root/node/target/classpath.txt" ] \
   || [ -n "$(find "$root/node/src" "$root/proto/src" "$root/auth/src" -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
  echo "building (mvn -q -B -o -pl proto,auth,node -am package -DskipTests)..." >&2
  (cd "$root" && mvn -q -B -o -pl proto,auth,node -am package -DskipTests) >&2
fi
cp="$jar:$(cat "$(dirname "$jar")/classpath.txt")"
data=() jaropt=()
[ -z "$jardir" ] || jaropt=(--jar "$jardir")
if [ -n "$rows" ]; then
  features="${features:-64}"
  dir="$root/bench/work/data-${rows}x${features}-seed${seed}"
  java "$root/bench/BreastShapeData.java" --rows "$rows" --features "${features:-64}" --seed "$seed" --out "$dir" >&2
  data=(--guest-csv "$dir/guest.csv" --host-csv "$dir/host.csv")
fi
echo "# $(date -u '+%Y-%m-%d %H:%M:%S UTC'), nproc $(nproc), $(uptime | sed 's/.*load/load/')"
floor_out="" lowest="" busy="" busy_pipeline=""
for f in $(seq 1 "$floor_runs"); do
  out="$(java -Djava.util.concurrent.ForkJoinPool.common.parallelism=0 --add-opens java.base/java.math=ALL-UNNAMED -cp "$cp" \
    "$root/bench/CryptoFloorBench.java" --root "$root" --seconds "$seconds" "${data[@]}" "${busy_opt[@]}")"
  this="$(echo "$out" | sed -n 's/.*FLOOR_SHARED=\([0-9.]*\).*/\1/p')"
  this_busy="$(echo "$out" | sed -n 's/.*FLOOR_BUSY=\([0-9.]*\).*/\1/p')"
  this_busy_pipeline="$(echo "$out" | sed -n 's/.*FLOOR_BUSY_PIPELINE=\([0-9.]*\).*/\1/p')"
  echo "# floor JVM $f of $floor_runs: all roles on these cores $this s${this_busy:+; priced with every core busy $this_busy s}"
  if [ -z "$lowest" ] || awk -v a="$this" -v b="$lowest" 'BEGIN { exit !(a < b) }'; then
    lowest="$this" floor_out="$out"
  fi
  # the busy cores' floor is also the lowest any JVM read, on its own
  if [ -n "$this_busy" ] && { [ -z "$busy" ] || awk -v a="$this_busy" -v b="$busy" 'BEGIN { exit !(a < b) }'; }; then
    busy="$this_busy" busy_pipeline="$this_busy_pipeline"
  fi
done
echo "# the lowest of the $floor_runs floors ($lowest s), as its JVM measured it:"
echo "$floor_out"
[ "$pipeline" = 1 ] || exit 0
shared="$(echo "$floor_out" | sed -n 's/.*FLOOR_SHARED=\([0-9.]*\).*/\1/p')"
party="$(echo "$floor_out" | sed -n 's/.*FLOOR_PARTY=\([0-9.]*\).*/\1/p')"
whole="$(echo "$floor_out" | sed -n 's/.*FLOOR_PIPELINE=\([0-9.]*\).*/\1/p')"
pipe_out="$("$root/bench/pipeline-bench.sh" "${jaropt[@]}" --runs "$runs" --warmup "$warmup" --job-floor "${data[@]}")"
echo "$pipe_out"
echo "# after: $(uptime | sed 's/.*load/load/')"
# hetero_lr_0's elapsed at the guest, per measured run; the pipeline's median submit -> success
lr="$(echo "$pipe_out" | sed -n 's/.*hetero_lr_0: {guest=\([0-9]*\).*/\1/p' | sort -n)"
wall="$(echo "$pipe_out" | sed -n 's/^median of [0-9]*: \([0-9.]*\) s.*/\1/p')"
lr_median="$(echo "$lr" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)] / 1000}')"
awk -v s="$shared" -v p="$party" -v lr="$lr_median" -v w="$wall" -v f="$whole" -v b="$busy" -v bp="$busy_pipeline" 'BEGIN {
  printf "HeteroLR median %.2f s at the guest: efficiency %.0f %% (all roles on this machine: floor %.2f s), %.0f %% (per-party floor %.2f s)\n", lr, 100*s/lr, s, 100*p/lr, p
  printf "pipeline median %.2f s submit -> success: efficiency %.0f %% (shared floor of HeteroLR %.2f s / wall)\n", w, 100*s/w, s
  printf "  the same against the floor of the Paillier work of the pipeline, HeteroLR and binning (%.2f s): %.0f %%\n", f, 100*f/w
  if (b != "") printf "against the floors priced with every core busy (HeteroLR %.2f s, all Paillier work of the pipeline %.2f s): HeteroLR %.0f %%, pipeline %.0f %% (%.0f %%)\n", b, bp, 100*b/lr, 100*b/w, 100*bp/w }'
