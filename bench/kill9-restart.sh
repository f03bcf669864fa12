#!/usr/bin/env bash
# A node with its embedded PostgreSQL is killed with SIGKILL, ROUNDS times; each following start over the
# same data directory must come up the first time (the postmaster the killed node left running is
# stopped by the new one) and still have the table uploaded before the first kill.
# Usage: bench/kill9-restart.sh [ROUNDS]   (FEDFLOW_SKIP_BUILD=1 to run what is built; loopback only)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
rounds="${1:-3}"
work="$(mktemp -d /tmp/fedflow-kill9-XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
site="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
pid=""
cleanup() {
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then kill "$pid"; wait "$pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

start_node() {
  "$root/bin/fedflow-node" --party-id 9999 --http-port "$port" --site-port "$site" --data-dir "$work/data" \
    >>"$work/node.log" 2>&1 &
  pid=$!
  local t0=$SECONDS
  until curl -sf "http://127.0.0.1:$port/health" >/dev/null; do
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "FAIL: the node exited while starting (see $work/node.log)"; tail -20 "$work/node.log"; exit 1
    fi
    if (( SECONDS - t0 > 120 )); then echo "FAIL: no /health after 120 s"; exit 1; fi
    sleep 0.5
  done
  echo "node up (pid $pid) in $(( SECONDS - t0 )) s"
}

count() {
  curl -s -d '{"namespace": "kill9", "table_name": "t"}' "http://127.0.0.1:$port/v1/table/table_info" \
    | python3 -c 'import json,sys; print(json.load(sys.stdin).get("data", {}).get("count", -1))'
}

start_node
printf 'id,x\n1,2\n2,3\n3,4\n' >"$work/t.csv"
conf='%7B%22head%22%3A%201%2C%20%22partition%22%3A%201%2C%20%22namespace%22%3A%20%22kill9%22%2C%20%22table_name%22%3A%20%22t%22%2C%20%22id_delimiter%22%3A%20%22%2C%22%2C%20%22drop%22%3A%201%7D'
curl -s -F "file=@$work/t.csv" "http://127.0.0.1:$port/v1/data/upload?$conf" >/dev/null
for _ in $(seq 1 60); do [ "$(count)" = "3" ] && break; sleep 0.5; done
[ "$(count)" = "3" ] || { echo "FAIL: upload did not land"; exit 1; }

for r in $(seq 1 "$rounds"); do
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
  pm="$(head -1 "$work/data/pg/postmaster.pid")"
  kill -0 "$pm" 2>/dev/null && echo "round $r: node killed, its postmaster $pm still running"
  start_node
  [ "$(count)" = "3" ] || { echo "FAIL: round $r: table lost"; exit 1; }
done
echo "1 passed, 0 failed: $rounds restarts after kill -9, each up the first time"
