# Load runs shared by run.sh and ab.sh (sourced after ../lib.sh, not run). The caller defines
# pid_of SERVER and port_of SERVER, and sets OUT, FIXTURE_FILES and COMPLIANT.

DURATION=${DURATION:-20}   # seconds per measured run
WARMUP=${WARMUP:-15}       # seconds per warm-up run

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure NAME SERVER TOOL ARGS...: runs one load, records server CPU and RSS, appends a summary line.
measure() {
  local name=$1 server=$2; shift 2
  local pid; pid=$(pid_of "$server")
  local before after rss_max=0 rss load_pid
  log "$name ($server): $*"
  before=$(cpu_ticks "$pid")
  "$@" > "$OUT/$name.$server.txt" 2>&1 &
  load_pid=$!
  while kill -0 "$load_pid" 2>/dev/null; do
    rss=$(rss_kb "$pid"); (( rss > rss_max )) && rss_max=$rss
    sleep 0.5
  done
  wait "$load_pid" || log "  load tool exited with $?"
  after=$(cpu_ticks "$pid")
  local result
  if grep -q '^RESULT ' "$OUT/$name.$server.txt"; then
    result=$(grep '^RESULT ' "$OUT/$name.$server.txt" | sed 's/^RESULT //')
  else
    result=$(python3 "$BENCH_DIR/http/percentiles.py" "$OUT/$name.$server.log" --skip-seconds 0)
    # h2load's own summary: requests and status counts.
    result=$(python3 - "$result" "$OUT/$name.$server.txt" <<'PY'
import json, re, sys
r = json.loads(sys.argv[1]); text = open(sys.argv[2]).read()
m = re.search(r"requests: (\d+) total, (\d+) started, (\d+) done, (\d+) succeeded, (\d+) failed, (\d+) errored, (\d+) timeout", text)
if m: r.update(dict(zip(["total", "started", "done", "succeeded", "failed", "errored", "timeout"], map(int, m.groups()))))
m = re.search(r"status codes: (\d+) 2xx, (\d+) 3xx, (\d+) 4xx, (\d+) 5xx", text)
if m: r.update({"2xx": int(m.group(1)), "4xx": int(m.group(3)), "5xx": int(m.group(4))})
m = re.search(r"finished in [^,]+, ([\d.]+) req/s", text)
if m: r["h2load_rps"] = float(m.group(1))
print(json.dumps(r))
PY
)
  fi
  local cpu_s requests
  cpu_s=$(awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.2f", t / hz}')
  requests=$(python3 -c 'import json,sys; r=json.loads(sys.argv[1]); print(r.get("requests") or r.get("count") or 0)' "$result")
  python3 -c '
import json, sys
r = json.loads(sys.argv[1]); cpu = float(sys.argv[4]); n = int(sys.argv[5])
r.update({"run": sys.argv[2], "server": sys.argv[3], "server_cpu_s": cpu,
          "server_cpu_us_per_request": round(cpu * 1e6 / n, 1) if n else None, "server_rss_max_kb": int(sys.argv[6]),
          "command": sys.argv[7]})
print(json.dumps(r))' "$result" "$name" "$server" "$cpu_s" "$requests" "$rss_max" "$*" | tee -a "$OUT/summary.jsonl" >&2
}

wrk_run() { # name server connections door
  local name=$1 server=$2 c=$3 door=$4
  measure "$name" "$server" wrk -t1 -c"$c" -d"${DURATION}s" --timeout 5s -s "$BENCH_DIR/http/admission.lua" \
    "https://localhost:$(port_of "$server")" -- "$door" "${FIXTURE_FILES[@]}"
}

h2load_run() { # name server protocol clients streams rps|0
  local name=$1 server=$2 proto=$3 c=$4 m=$5 rps=$6 extra=()
  [[ $proto == h1 ]] && extra+=(--h1)
  [[ $rps != 0 ]] && extra+=(--rps="$rps")
  # No --warm-up-time: with it h2load at times counts 0 requests on h2 (see RESULTS.md); the callers
  # warm the servers up with h2load and wrk runs of their own first.
  measure "$name" "$server" h2load "${extra[@]}" -t1 -c"$c" -m"$m" -D"$DURATION" \
    -H 'Content-Type: application/json' -d "$COMPLIANT" --log-file="$OUT/$name.$server.log" \
    "https://localhost:$(port_of "$server")/validate"
}

# warm_up SERVER...: JIT warm-up of both doors over HTTP/1.1 and of h2, $WARMUP seconds each; recorded, not reported.
warm_up() {
  local server
  for server in "$@"; do
    DURATION=$WARMUP wrk_run warmup-validate "$server" 8 /validate
    DURATION=$WARMUP wrk_run warmup-mutate "$server" 8 /mutate
    DURATION=$WARMUP h2load_run warmup-h2 "$server" h2 4 16 0
  done
}
