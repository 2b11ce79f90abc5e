#!/usr/bin/env bash
# Wall and thread-CPU time per call (LatencyHarness) of the two builds that bench/jmh/ab.sh made,
# alternately A B A B. Thread CPU time leaves out the time the thread waited for a core, so on a
# crowded machine it is the steadier figure of the two. Run bench/jmh/ab.sh BASE NEW first.
#
#   bench/jmh/ab-latency.sh                  # ROUNDS=2, CALLS=30000, WARMUP=10 s per run
#
# Raw output in bench/results/<date>/jmh-ab/: latency.txt (all output), latency.jsonl (one RESULT line per run).
source "$(dirname "$0")/../lib.sh"
AB_ROOT=${AB_ROOT:-/tmp}
OUT=$RESULTS/jmh-ab
mkdir -p "$OUT"
JAVA=${JAVA:-$JAVA17}
ROUNDS=${ROUNDS:-2}
CALLS=${CALLS:-30000}
WARMUP=${WARMUP:-10}
SPECS=${SPECS:-"deployment evaluate;deployment-create-compliant evaluate;deployment-create-compliant request-path"}

IFS=';' read -ra specs <<< "$SPECS"
for round in $(seq 1 "$ROUNDS"); do
  for spec in "${specs[@]}"; do
    for side in a b; do
      [[ $side == a ]] && dir=$AB_ROOT/hm-bench-base || dir=$AB_ROOT/hm-bench-new
      set -- $spec
      log "round $round, $side: $1 $2 (load average $(cut -d' ' -f1-3 /proc/loadavg))"
      echo "round $round $side $1 $2 $(date +%H:%M:%S) load average: $(cat /proc/loadavg)" >> "$OUT/latency.txt"
      "$JAVA" -Xms1g -Xmx1g -cp "$dir/src/bench/jmh/target/benchmarks.jar" dev.harbormaster.bench.LatencyHarness "$1" "$CALLS" "$WARMUP" "$2" \
        2>&1 | tee -a "$OUT/latency.txt" | grep '^RESULT ' | sed "s/^RESULT {/{\"round\":$round,\"side\":\"$side\",/" | tee -a "$OUT/latency.jsonl" >&2
    done
  done
done
log "done: $OUT/latency.jsonl"
