#!/usr/bin/env bash
# The long cases of the fault-and-abuse suite, one after the other (on demand; not part of the Maven build,
# which runs the short ones: see BENCHMARKS.md, "Fault-and-abuse suite"). Each case is its own script and
# can be run alone; this one runs them in a row, stops at the first that fails and prints a summary.
#   bench/reliability.sh [--quick]
# --quick: 3 kill rounds, 5 stop/rerun cycles, 1 pollers round (about 10 minutes on 2 cores) instead of
# 10 kill rounds, 20 cycles and 3 pollers rounds. Needs wrk for the pollers case (apt-get install wrk).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
kills=10 cycles=20 rounds=3
if [ "${1:-}" = "--quick" ]; then kills=3 cycles=5 rounds=1; fi
results=()
run_case() {
  local name="$1"; shift
  local t0=$SECONDS
  echo "=== $name: $*"
  if "$@"; then
    results+=("$name: held ($(( SECONDS - t0 )) s)")
  else
    results+=("$name: FAILED ($(( SECONDS - t0 )) s)")
    printf '%s\n' "${results[@]}"
    exit 1
  fi
}
# kill -9 of a node (with its embedded PostgreSQL) and a restart that must come up the first time
run_case "kill -9 and restart" "$here/kill9-restart.sh" "$kills"
# stop and rerun of a running federated job, every rerun ending in success with all parties on one version
run_case "stop and rerun" "$here/rerun-loop.sh" --cycles "$cycles"
# a local LR job under 500 pollers of job/query: within 3x its idle time, no poller errors
run_case "pollers" "$here/pollers-bench.sh" --pollers 0,500 --rounds "$rounds"
echo "=== summary"
printf '%s\n' "${results[@]}"
