#!/usr/bin/env bash
# Reload under load. One command:
#
#   bench/reload/run.sh          # about 2 minutes
#
# Copies the default pack (policies/) to a temp directory, starts the packaged server (JDK 17) on it
# with harbormaster.policies.reload-interval=1s, warms it up, then:
#   1. baseline: wrk 30 s on /validate (16 connections, every captured AdmissionReview in turn), no reload;
#   2. reload: the same 30 s of wrk while a loop rewrites a policy file every second (30 times),
#      alternating a param between two values (probe-sanity minLivenessFailureThreshold 3 <-> 4), and
#      touching every other file, each new version written beside the old one and renamed over it
#      (as a ConfigMap update swaps files atomically).
# Reports requests/s, latency, socket errors and non-2xx for both, and counts "reloaded" and
# "reload refused" lines in the server log. POLICY_COPIES=1000 runs the same with 1,000 policies
# (bench/jmh's PolicyCopies) in the directory instead of the default pack.
# Raw output in bench/results/<date>/reload/.
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/reload${POLICY_COPIES:+-$POLICY_COPIES}
RUN_DIR=$OUT
mkdir -p "$OUT"
SECONDS_UNDER_LOAD=${SECONDS_UNDER_LOAD:-30}

build_server
machine_info > "$OUT/machine.txt"
DIR=$(mktemp -d /tmp/harbormaster-reload.XXXXXX)
if [[ -n "${POLICY_COPIES:-}" ]]; then
  JAR=$BENCH_DIR/jmh/target/benchmarks.jar
  [[ -f "$JAR" ]] || { echo "build bench/jmh first (bench/jmh/run.sh)" >&2; exit 1; }
  "$JAVA17" -cp "$JAR" dev.harbormaster.bench.PolicyCopies "$DIR" "$POLICY_COPIES" matching >&2
  cp "$HM_WORK/src/policies/probe-sanity.yaml" "$DIR/"   # the file the loop rewrites
  sed -i 's/^  name: probe-sanity$/  name: probe-sanity-reloaded/' "$DIR/probe-sanity.yaml"
else
  cp "$HM_WORK/src/policies/"*.yaml "$DIR/"
fi
TARGET=$DIR/probe-sanity.yaml
grep -q 'minLivenessFailureThreshold: 3' "$TARGET" || { echo "probe-sanity.yaml has no minLivenessFailureThreshold: 3" >&2; exit 1; }

start_server server "$JAVA17" -Dharbormaster.policies.dir="$DIR" -Dharbormaster.policies.reload-interval=1s
trap 'stop_server $SERVER_PID; rm -rf "$DIR"' EXIT
wait_ready 9000 120 > /dev/null
grep -h "loaded .* policies" "$OUT/server.log" >&2

load() { # name seconds
  wrk -t1 -c16 -d"$2s" --timeout 5s -s "$BENCH_DIR/http/admission.lua" https://localhost:8443 -- /validate "$FIXTURES"/*.json \
    > "$OUT/$1.txt" 2>&1
  grep '^RESULT ' "$OUT/$1.txt" | sed "s/^RESULT {/{\"run\":\"$1\",/"
}

log "warm-up 15 s"
load warmup 15 > /dev/null
log "baseline: ${SECONDS_UNDER_LOAD}s without reloads"
load baseline "$SECONDS_UNDER_LOAD" | tee "$OUT/summary.jsonl" >&2

log "reload: ${SECONDS_UNDER_LOAD}s with the directory rewritten every second"
before=$(grep -c 'reloaded' "$OUT/server.log" || true)
(
  value=4
  for i in $(seq 1 "$SECONDS_UNDER_LOAD"); do
    sed "s/minLivenessFailureThreshold: [0-9]*/minLivenessFailureThreshold: $value/" "$TARGET" > "$DIR/.next"
    mv "$DIR/.next" "$TARGET"
    touch "$DIR"/*.yaml
    echo "$(date +%H:%M:%S.%N | cut -c1-12) wrote minLivenessFailureThreshold: $value"
    value=$(( value == 4 ? 3 : 4 ))
    sleep 1
  done
) > "$OUT/rewrites.txt" &
writer=$!
load reload "$SECONDS_UNDER_LOAD" | tee -a "$OUT/summary.jsonl" >&2
wait "$writer"
sleep 2
reloaded=$(( $(grep -c 'reloaded' "$OUT/server.log" || true) - before ))
refused=$(grep -c 'reload refused' "$OUT/server.log" || true)
errors=$(grep -cE ' ERROR |Exception' "$OUT/server.log" || true)
echo "{\"run\":\"reload-log\",\"rewrites\":$(wc -l < "$OUT/rewrites.txt"),\"reloaded_lines\":$reloaded,\"refused_lines\":$refused,\"error_lines\":$errors}" \
  | tee -a "$OUT/summary.jsonl" >&2
grep -E 'reloaded|refused' "$OUT/server.log" | head -3 >&2 || true
stop_server; trim_logs "$OUT"
