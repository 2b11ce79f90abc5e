#!/usr/bin/env bash
# The engine before/after in one run, alternately (A B A B A B), from two builds' target/classes:
# exact bytes per evaluation (PerPolicyAlloc), thread-CPU per evaluation (bench/jmh's LatencyHarness
# from the class path) and the pack's budget costs (Costs). Usage:
#
#   git archive BASE | tar -x -C /tmp/base && (cd /tmp/base && ./mvnw -o -q compile)     # A
#   ./mvnw -o -q compile                                                                  # B
#   bench/perf/engine-ab.sh /tmp/base/target/classes target/classes bench/results/<date>/engine-ab
set -euo pipefail
A_CLASSES=$(realpath "${1:?A classes}"); B_CLASSES=$(realpath "${2:?B classes}"); OUT=${3:?output directory}
ROUNDS=${ROUNDS:-3}
# REQUESTS: bench cases (Requests), default "deployment pod"; a captured review by its file name, e.g. deployment-create-compliant
read -r -a CASES <<< "${REQUESTS:-deployment pod}"
cd "$(dirname "$0")/../.."
mkdir -p "$OUT"
DEP=$(./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
TOOLS=$(mktemp -d)
ln -s "$(realpath ../shared/fixtures/admission-reviews)" "$TOOLS/fixtures"   # Requests reads /fixtures/*.json from the class path
javac -nowarn -d "$TOOLS" -cp "$B_CLASSES:$DEP" bench/perf/PerPolicyAlloc.java bench/perf/Costs.java \
  bench/jmh/src/main/java/dev/harbormaster/bench/LatencyHarness.java bench/jmh/src/main/java/dev/harbormaster/bench/Requests.java
A="$TOOLS:$A_CLASSES:$DEP"; B="$TOOLS:$B_CLASSES:$DEP"
{ echo "date: $(date -u)"; uname -a; nproc; java -version 2>&1 | head -1; echo "A: $A_CLASSES"; echo "B: $B_CLASSES"; } > "$OUT/machine.txt"
java -cp "$A" Costs "${CASES[@]}" > "$OUT/A-costs.txt" 2>&1
java -cp "$B" Costs "${CASES[@]}" > "$OUT/B-costs.txt" 2>&1
for round in $(seq 1 "$ROUNDS"); do
  for side in A B; do
    cp=${!side}
    echo "round $round $side $(date -u +%H:%M:%S) load average: $(cat /proc/loadavg)" >> "$OUT/loadavg.txt"
    java -Xmx1g -cp "$cp" PerPolicyAlloc "${CASES[@]}" > "$OUT/$round-$side-perpolicy.txt" 2>&1
    for request in "${CASES[@]}"; do
      java -Xmx1g -cp "$cp" dev.harbormaster.bench.LatencyHarness "$request" 30000 10 evaluate > "$OUT/$round-$side-latency-$request.txt" 2>&1
    done
  done
done
echo "end $(date -u +%H:%M:%S) load average: $(cat /proc/loadavg)" >> "$OUT/loadavg.txt"
