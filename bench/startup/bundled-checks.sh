#!/usr/bin/env bash
# Start-up with and without the bundled pack's expressions type-checked at build time (issue #19).
#
#   bench/startup/bundled-checks.sh        # about 7 minutes; RUNS=5 by default
#
# One build (the committed HEAD, see ../lib.sh), two applications from it: "checked" as built, and
# "compiled" the same with harbormaster/bundled-pack.checked deleted from its jar, so the server
# compiles the pack at start as before (its log says why). The two take turns, RUNS times each, so
# both see the same machine. Per run, on JDK 17 (JAVA=... for another): process start → first 200
# from /q/health/ready (curl every 10 ms), the process' CPU time by then (less sensitive than the wall
# time to a shared machine), Quarkus' "started in", the first load's own time (its log line), RSS 5 s
# after ready, then 2,000 requests (each captured AdmissionReview 50 times to
# /validate and 50 to /mutate, h2load, one connection) and RSS after them.
# Then one profiling start of each with -Xlog:class+load: classes loaded by the time it is ready, by
# package, and each thread's CPU time (utime + stime from /proc) at that moment.
# Raw output in bench/results/<date>/bundled-checks/.
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/bundled-checks
RUN_DIR=$OUT
mkdir -p "$OUT"
RUNS=${RUNS:-5}
JAVA=${JAVA:-$JAVA17}
export HTTPS_PORT=${HTTPS_PORT:-18443} MGMT_PORT=${MGMT_PORT:-19000}
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install -y nghttp2-client" >&2; exit 1; }

build_server
machine_info > "$OUT/machine.txt"
CHECKED=$HM_WORK/src/target/quarkus-app
COMPILED=$HM_WORK/compiled-at-start
rm -rf "$COMPILED" && cp -a "$CHECKED" "$COMPILED"
zip -q -d "$COMPILED"/app/harbormaster-*.jar harbormaster/bundled-pack.checked
trap 'stop_server' EXIT
((RUNS > 0)) && : > "$OUT/summary.jsonl"   # RUNS=0 SKIP_BUILD=1: only the profiling starts, on the last build

# cpu_ms PID: the process' CPU time (user + system, all its threads, ended ones too) in ms.
cpu_ms() {
  awk -v tick="$(getconf CLK_TCK)" '{ rest = substr($0, index($0, ")") + 2); split(rest, f, " "); print int((f[12] + f[13]) * 1000 / tick) }' "/proc/$1/stat"
}

requests() {
  local f door
  for f in "$FIXTURES"/*.json; do
    for door in validate mutate; do
      h2load -n 50 -c 1 -H 'Content-Type: application/json' -d "$f" "https://localhost:$HTTPS_PORT/$door" \
        | grep -E '^requests:' >> "$OUT/$1.requests.txt"
    done
  done
}

one_run() {
  local variant=$1 run=$2 app ready cpu started load idle after
  [[ $variant == checked ]] && app=$CHECKED || app=$COMPILED
  APP_DIR=$app start_server "$variant-$run" "$JAVA"
  ready=$(wait_ready "$MGMT_PORT" 120)
  cpu=$(cpu_ms "$SERVER_PID")
  sleep 5
  idle=$(rss_kb "$SERVER_PID")
  requests "$variant-$run"
  after=$(rss_kb "$SERVER_PID")
  started=$(grep -o 'started in [0-9.]*s' "$RUN_DIR/$variant-$run.log" | grep -o '[0-9.]*' | head -1)
  load=$(grep -o 'loaded [0-9]* policies from [^"]* in [0-9]* ms[^"]*' "$RUN_DIR/$variant-$run.log" | head -1)
  stop_server "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  printf '{"variant":"%s","run":%d,"ready_ms":%d,"cpu_ms_at_ready":%d,"quarkus_started_s":%s,"rss_idle_mb":%d,"rss_after_2000_mb":%d,"first_load":"%s","loadavg":"%s"}\n' \
    "$variant" "$run" "$ready" "$cpu" "${started:-null}" $((idle / 1024)) $((after / 1024)) "$load" "$(cut -d' ' -f1-3 /proc/loadavg)" \
    | tee -a "$OUT/summary.jsonl"
}

for run in $(seq 1 "$RUNS"); do
  one_run compiled "$run"
  one_run checked "$run"
done

# Profile: which classes are loaded by the time the server is ready.
for variant in compiled checked; do
  [[ $variant == checked ]] && app=$CHECKED || app=$COMPILED
  APP_DIR=$app start_server "profile-$variant" "$JAVA" -Xlog:class+load:file="$OUT/profile-$variant.classes.txt"
  wait_ready "$MGMT_PORT" 120 > "$OUT/profile-$variant.ready_ms"
  threads=$(for t in /proc/"$SERVER_PID"/task/*; do
      # comm may hold spaces: the fields after its closing parenthesis are counted from there
      awk -v tick="$(getconf CLK_TCK)" '{ line = $0; name = substr(line, index(line, "(") + 1); name = substr(name, 1, index(name, ")") - 1);
        rest = substr(line, index(line, ")") + 2); split(rest, f, " "); printf "%8d ms  %s\n", (f[12] + f[13]) * 1000 / tick, name }' "$t/stat"
    done | sort -rn)
  total=$(cpu_ms "$SERVER_PID")
  stop_server "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  {
    echo "ready after $(cat "$OUT/profile-$variant.ready_ms") ms (with the class-load log on)"
    echo "CPU time by thread at ready (the 12 busiest; JIT compiler and GC threads included):"
    awk 'NR <= 12' <<< "$threads"
    echo "live threads: $(awk '{ s += $1 } END { print s }' <<< "$threads") ms; the process: $total ms (the rest is threads that ended, the first load's among them)"
    echo "classes loaded: $(grep -c ' source: ' "$OUT/profile-$variant.classes.txt")"
    grep -o '\] [a-zA-Z0-9_.$]* source' "$OUT/profile-$variant.classes.txt" | awk '{print $2}' \
      | awk -F. '{ if (NF > 3) print $1"."$2"."$3; else print $1"."$2 }' | sort | uniq -c | sort -rn | awk 'NR <= 25'
  } > "$OUT/profile-$variant.txt"
  xz -9 -f "$OUT/profile-$variant.classes.txt"
done
log "done: $OUT/summary.jsonl, $OUT/profile-*.txt"
