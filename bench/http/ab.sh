#!/usr/bin/env bash
# Two builds of the server under the same loads in one run: on a shared machine the ratio B/A is
# the figure to read, not the absolute numbers. One command:
#
#   bench/http/ab.sh BASE_REV [NEW_REV]      # NEW_REV defaults to the working tree; about 8 minutes
#   A_OPTS='-Dx=y' B_OPTS='…' bench/http/ab.sh HEAD HEAD   # the same build, two JVM settings
#
# Builds A (BASE_REV) and B (NEW_REV) each in its own $HM_WORK/<a|b>, starts them side by side (A on
# 8443/9000, B on 8444/9001) with the default pack, warms both up, then runs every load on A and
# right after on B: wrk /validate and /mutate at 16 connections (all captured reviews), h2load
# HTTP/1.1 at 16 connections, h2 on one connection with 64 streams (kube-apiserver's way: one
# connection, many streams) and on 4 connections × 16 streams (the compliant Deployment), and at a
# fixed 2,000 requests/s over HTTP/1.1 (20 connections) and h2 (one connection), and one request at
# a time (one h2 connection, one stream, 200 requests/s).
# Raw output in bench/results/<date>/ab/: summary.jsonl, table.md, each tool's output, server logs.
source "$(dirname "$0")/../lib.sh"
BASE=${1:?usage: bench/http/ab.sh BASE_REV [NEW_REV]}
NEW=${2:-worktree}
OUT=$RESULTS/ab
RUN_DIR=$OUT
mkdir -p "$OUT"
JAVA=${JAVA:-$JAVA17}
ROOT=$HM_WORK

HM_WORK=$ROOT/a HM_REV=$BASE build_server
HM_WORK=$ROOT/b HM_REV=$NEW build_server
{ machine_info; echo "A: $(cat "$ROOT/a/src/.bench-revision")"; echo "B: $(cat "$ROOT/b/src/.bench-revision")"; } > "$OUT/machine.txt"
mapfile -t FIXTURE_FILES < <(ls "$FIXTURES"/*.json)
COMPLIANT=$FIXTURES/deployment-create-compliant.json
: > "$OUT/summary.jsonl"

echo "A options: ${A_OPTS:-none}; B options: ${B_OPTS:-none}" >> "$OUT/machine.txt"
HM_WORK=$ROOT/a HTTPS_PORT=8443 MGMT_PORT=9000 start_server a "$JAVA" ${A_OPTS:-}
A_PID=$SERVER_PID
HM_WORK=$ROOT/b HTTPS_PORT=8444 MGMT_PORT=9001 start_server b "$JAVA" ${B_OPTS:-}
B_PID=$SERVER_PID
trap 'stop_server $A_PID; stop_server $B_PID' EXIT
wait_ready 9000 >/dev/null && wait_ready 9001 >/dev/null

pid_of() { [[ $1 == a ]] && echo "$A_PID" || echo "$B_PID"; }
port_of() { [[ $1 == a ]] && echo 8443 || echo 8444; }
source "$BENCH_DIR/http/load.sh"

warm_up a b
for server in a b; do wrk_run wrk-validate-c16 "$server" 16 /validate; done
for server in a b; do wrk_run wrk-mutate-c16 "$server" 16 /mutate; done
for server in a b; do h2load_run h2load-h1-c16 "$server" h1 16 1 0; done
for server in a b; do h2load_run h2load-h2-c1m64 "$server" h2 1 64 0; done
for server in a b; do h2load_run h2load-h2-c4m16 "$server" h2 4 16 0; done
# Fixed 2,000 requests/s: HTTP/1.1 on 20 connections, h2 on one connection as kube-apiserver sends them.
for server in a b; do h2load_run h2load-h1-rate2000 "$server" h1 20 1 100; done
for server in a b; do h2load_run h2load-h2-c1-rate2000 "$server" h2 1 64 2000; done
# One request at a time: one h2 connection, one stream in flight, a fixed 200/s (the request path's
# own latency, with no queue in front of it).
for server in a b; do h2load_run h2load-h2-c1m1-rate200 "$server" h2 1 1 200; done

echo "errors in the server logs:" >&2
grep -ciE 'ERROR|Exception' "$OUT/a.log" "$OUT/b.log" >&2 || true
stop_server "$A_PID"; stop_server "$B_PID"
trim_logs "$OUT"; compress_request_logs "$OUT"
python3 "$BENCH_DIR/tools/http-table.py" "$OUT/summary.jsonl" > "$OUT/table.md"
cat "$OUT/table.md" >&2
log "done: $OUT/table.md"
