#!/usr/bin/env bash
# Scaling with the number of policies. One command:
#
#   bench/scaling/run.sh         # about 12 minutes
#
# 1. JMH (bench/jmh/run.sh scaling): Engine.evaluate of the typical Deployment against 10, 100 and
#    1,000 copies of the default rules that apply to a Deployment, "matching" (the same rules) and
#    "nonmatching" (resourceRules rewritten to configmaps), and the time to parse and compile 10, 100
#    and 1,000 policies (warm, as a reload; and cold, the first load in a fresh JVM).
# 2. HTTP: for each count and kind, the packaged server (JDK 17) started on a directory of those
#    copies: time to ready, then wrk on /validate with the compliant Deployment fixture at 16
#    connections (15 s) and 1 connection (10 s).
# SKIP_JMH=1 runs only part 2. Raw output in bench/results/<date>/scaling/ (and .../jmh/ for part 1).
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/scaling
RUN_DIR=$OUT
mkdir -p "$OUT"
COUNTS=${COUNTS:-"10 100 1000"}

if [[ -z "${SKIP_JMH:-}" ]]; then
  "$BENCH_DIR/jmh/run.sh" scaling
  export SKIP_BUILD=1   # the JMH step built the server from the same snapshot
fi
JAR=$BENCH_DIR/jmh/target/benchmarks.jar
[[ -f "$JAR" ]] || { echo "build bench/jmh first (bench/jmh/run.sh)" >&2; exit 1; }
build_server
machine_info > "$OUT/machine.txt"
FIXTURE=$FIXTURES/deployment-create-compliant.json
: > "$OUT/summary.jsonl"
# A failed load must not leave a server holding 8443/9000 for the next benchmark.
trap 'stop_server' EXIT

for count in $COUNTS; do
  for kind in matching nonmatching; do
    name=$kind-$count
    dir=$(mktemp -d /tmp/harbormaster-scaling.XXXXXX)
    "$JAVA17" -cp "$JAR" dev.harbormaster.bench.PolicyCopies "$dir" "$count" "$kind" >&2
    start=$(date +%s%N)
    start_server "$name" "$JAVA17" -Dharbormaster.policies.dir="$dir"
    wait_ready 9000 120 > /dev/null || { log "$name did not start"; stop_server; rm -rf "$dir"; continue; }
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    wrk -t1 -c8 -d10s -s "$BENCH_DIR/http/admission.lua" https://localhost:8443 -- /validate "$FIXTURE" > "$OUT/$name.warmup.txt" 2>&1
    sat=$(wrk -t1 -c16 -d15s --timeout 5s -s "$BENCH_DIR/http/admission.lua" https://localhost:8443 -- /validate "$FIXTURE" 2>&1 \
      | tee "$OUT/$name.c16.txt" | grep '^RESULT ' | sed 's/^RESULT //')
    one=$(wrk -t1 -c1 -d10s --timeout 5s -s "$BENCH_DIR/http/admission.lua" https://localhost:8443 -- /validate "$FIXTURE" 2>&1 \
      | tee "$OUT/$name.c1.txt" | grep '^RESULT ' | sed 's/^RESULT //')
    loaded=$(grep -oE 'loaded [0-9]+ policies' "$OUT/$name.log" | head -1)
    stop_server
    rm -rf "$dir"
    echo "{\"policies\":$count,\"kind\":\"$kind\",\"ready_ms\":$ready_ms,\"log\":\"$loaded\",\"c16\":${sat:-null},\"c1\":${one:-null}}" \
      | tee -a "$OUT/summary.jsonl" >&2
  done
done
trim_logs "$OUT"
