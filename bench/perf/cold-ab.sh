#!/usr/bin/env bash
# The engine after an idle gap, A against B alternately (A B A B A B): LatencyHarness with a pause before
# each call, as a server at a low rate has (5 ms: 200/s), the captured compliant Deployment, thread CPU
# and wall time per call. Two builds' classes, or one build under two JVM option sets:
#
#   bench/perf/cold-ab.sh A_CLASSES B_CLASSES OUT                       # ~2.5 min
#   A_OPTS='' B_OPTS='-XX:+UseTransparentHugePages' bench/perf/cold-ab.sh target/classes target/classes OUT
#
# ROUNDS (3), CALLS (2000), PAUSE_US (5000), REQUEST (deployment-create-compliant); java from PATH.
set -euo pipefail
A_CLASSES=$(realpath "${1:?A classes}"); B_CLASSES=$(realpath "${2:?B classes}"); OUT=${3:?output directory}
cd "$(dirname "$0")/../.."
mkdir -p "$OUT"
DEP=$(./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
TOOLS=$(mktemp -d)
ln -s "$(realpath ../shared/fixtures/admission-reviews)" "$TOOLS/fixtures"   # Requests reads /fixtures/*.json from the class path
javac -nowarn -d "$TOOLS" -cp "$B_CLASSES:$DEP" bench/jmh/src/main/java/dev/harbormaster/bench/LatencyHarness.java \
  bench/jmh/src/main/java/dev/harbormaster/bench/Requests.java
read -r -a A_JVM <<< "${A_OPTS:-}"; read -r -a B_JVM <<< "${B_OPTS:-}"
quiet=(); java --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && quiet=(--sun-misc-unsafe-memory-access=allow)
{ echo "date: $(date -u)"; uname -a; nproc; java -version 2>&1 | head -1; echo "A: $A_CLASSES ${A_OPTS:-}"; echo "B: $B_CLASSES ${B_OPTS:-}"
  echo "request ${REQUEST:-deployment-create-compliant}, ${CALLS:-2000} calls, pause ${PAUSE_US:-5000} µs"; } > "$OUT/machine.txt"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for side in A B; do
    classes=${side}_CLASSES; jvm=${side}_JVM[@]
    java "${quiet[@]}" -Xmx1g "${!jvm}" -cp "$TOOLS:${!classes}:$DEP" dev.harbormaster.bench.LatencyHarness \
      "${REQUEST:-deployment-create-compliant}" "${CALLS:-2000}" 10 evaluate "${PAUSE_US:-5000}" > "$OUT/cold-$round-$side.txt" 2>&1
    echo "$round $side $(grep -o '"cpu_p50_us":[0-9.]*,"cpu_p90_us":[0-9.]*,"cpu_p99_us":[0-9.]*' "$OUT/cold-$round-$side.txt")" | tee -a "$OUT/summary.txt"
  done
done
