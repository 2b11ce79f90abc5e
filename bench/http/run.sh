#!/usr/bin/env bash
# HTTP load over TLS, keep-alive. One command:
#
#   bench/http/run.sh            # about 10 minutes
#
# Builds the server (JVM mode, from a copy of the tree, see ../lib.sh) and starts two on JDK 17:
# "pack" with the default policy pack (https 8443, management 9000) and "empty" with an empty policy
# directory (8444/9001), the no-policy baseline. Then, one load at a time, on localhost only:
#   - ALPN check (curl --http2): does the server offer h2?
#   - wrk (HTTP/1.1), admission.lua rotating over every captured AdmissionReview, /validate and /mutate,
#     at saturation (16 connections) and at 1 connection;
#   - h2load (nghttp2-client) with the compliant Deployment fixture, HTTP/1.1 and h2, at saturation and
#     at fixed rates of 500, 2000 and 5000 requests/s (--rps), and at 2000/s over one h2 connection
#     (as kube-apiserver calls), percentiles from its per-request log;
#   - server CPU time per request (from /proc/<pid>/stat) and RSS for each run.
# Raw output in bench/results/<date>/http/: one JSON line per run in summary.jsonl, table.md, each tool's
# output, h2load's per-request logs (xz), server logs (decision lines trimmed), a JFR recording.
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/http
RUN_DIR=$OUT
mkdir -p "$OUT"
JAVA=${JAVA:-$SERVER_JAVA}
RATES=${RATES:-"500 2000 5000"}
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install -y nghttp2-client" >&2; exit 1; }

build_server
machine_info > "$OUT/machine.txt"
mapfile -t FIXTURE_FILES < <(ls "$FIXTURES"/*.json)
COMPLIANT=$FIXTURES/deployment-create-compliant.json
EMPTY_DIR=$(mktemp -d /tmp/harbormaster-empty-policies.XXXXXX)
: > "$OUT/summary.jsonl"

HTTPS_PORT=8443 MGMT_PORT=9000 start_server pack "$JAVA" -Xlog:gc:file="$OUT/pack-gc.log"
PACK_PID=$SERVER_PID
HTTPS_PORT=8444 MGMT_PORT=9001 start_server empty "$JAVA" -Dharbormaster.policies.dir="$EMPTY_DIR"
EMPTY_PID=$SERVER_PID
trap 'stop_server $PACK_PID; stop_server $EMPTY_PID; rm -rf "$EMPTY_DIR"' EXIT
wait_ready 9000 >/dev/null && wait_ready 9001 >/dev/null
grep -h "loaded .* policies" "$OUT/pack.log" "$OUT/empty.log" >&2

# Does the admission port offer h2 by ALPN?
curl -sv --http2 --cacert "$HM_WORK/src/target/dev-certs/ca.crt" -H 'Content-Type: application/json' \
  --data-binary @"$COMPLIANT" https://localhost:8443/validate -o "$OUT/alpn-response.json" > "$OUT/alpn.txt" 2>&1 || true
grep -E 'ALPN|^< HTTP/|using HTTP' "$OUT/alpn.txt" >&2 || true

pid_of() { [[ $1 == pack ]] && echo "$PACK_PID" || echo "$EMPTY_PID"; }
port_of() { [[ $1 == pack ]] && echo 8443 || echo 8444; }
source "$BENCH_DIR/http/load.sh"

warm_up pack empty

for server in pack empty; do
  wrk_run wrk-validate-c16 "$server" 16 /validate
  wrk_run wrk-mutate-c16 "$server" 16 /mutate
  wrk_run wrk-validate-c1 "$server" 1 /validate
  h2load_run h2load-h1-c16 "$server" h1 16 1 0
  h2load_run h2load-h2-c4m16 "$server" h2 4 16 0
done
for rate in $RATES; do
  for server in pack empty; do
    # h1: 20 connections, each at rate/20; h2: 4 connections multiplexing up to 64 streams, each at rate/4.
    h2load_run "h2load-h1-rate$rate" "$server" h1 20 1 $((rate / 20))
    h2load_run "h2load-h2-rate$rate" "$server" h2 4 64 $((rate / 4))
  done
done
# kube-apiserver's way: every call over one h2 connection.
for server in pack empty; do
  h2load_run h2load-h2-c1-rate2000 "$server" h2 1 64 2000
done

# A JFR profile of the pack server under saturation, summarised by method (bench/tools/jfr-top.py).
JCMD=$(dirname "$(readlink -f "$JAVA")")/jcmd
"$JCMD" "$PACK_PID" JFR.start name=bench settings=profile filename="$OUT/pack-under-load.jfr" > /dev/null
DURATION=15 wrk_run jfr-validate-c16 pack 16 /validate
"$JCMD" "$PACK_PID" JFR.stop name=bench > /dev/null
JFR=$(dirname "$(readlink -f "$JAVA")")/jfr python3 "$BENCH_DIR/tools/jfr-top.py" "$OUT/pack-under-load.jfr" \
  --filter dev.harbormaster --depth 3 --top 30 > "$OUT/jfr-pack-under-load.txt" 2>&1 || true
echo "errors in the server logs:" >&2
grep -ciE 'ERROR|Exception' "$OUT/pack.log" "$OUT/empty.log" >&2 || true
stop_server "$PACK_PID"; stop_server "$EMPTY_PID"
trim_logs "$OUT"; compress_request_logs "$OUT"
python3 "$BENCH_DIR/tools/http-table.py" "$OUT/summary.jsonl" > "$OUT/table.md"
log "done: $OUT/summary.jsonl, $OUT/table.md"
