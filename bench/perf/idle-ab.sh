#!/usr/bin/env bash
# Diagnosis, not a result: the engine after an idle gap with the guest's idle vCPUs halting (this VM's
# setting: cpuidle state "haltpoll idle", guest_halt_poll_ns=0) against polling (that state disabled, so
# an idle vCPU spins in the kernel's idle loop and keeps its core). Tells how much of the cold cost is
# the halt (the host reschedules the core, its caches and predictors go) rather than our code. Needs
# root; restores the setting on exit. LatencyHarness as bench/perf/cold-ab.sh runs it, alternately:
#
#   bench/perf/idle-ab.sh CLASSES OUT        # ~2 min; ROUNDS (3), CALLS (2000), PAUSE_US (5000), REQUEST
# On the servers' JDK (bench/lib.sh's SERVER_JAVA: the image's JDK 25 when installed).
set -euo pipefail
CLASSES=$(realpath "${1:?classes}"); OUT=${2:?output directory}
source "$(dirname "$0")/../lib.sh"
cd "$BENCH_DIR/.."
JAVA_BIN=$(dirname "$SERVER_JAVA")
mkdir -p "$OUT"
STATES=(/sys/devices/system/cpu/cpu*/cpuidle/state1/disable)
[[ -w ${STATES[0]} ]] || { echo "needs root and a cpuidle state1 (${STATES[0]})" >&2; exit 1; }
before=$(cat "${STATES[0]}")
restore() { for s in "${STATES[@]}"; do echo "$before" > "$s"; done; }
trap restore EXIT
DEP=$(./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
TOOLS=$(mktemp -d)
ln -s "$(realpath ../shared/fixtures/admission-reviews)" "$TOOLS/fixtures"
"$JAVA_BIN/javac" -nowarn -d "$TOOLS" -cp "$CLASSES:$DEP" bench/jmh/src/main/java/dev/harbormaster/bench/LatencyHarness.java \
  bench/jmh/src/main/java/dev/harbormaster/bench/Requests.java
quiet=(); "$SERVER_JAVA" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 && quiet=(--sun-misc-unsafe-memory-access=allow)
{ echo "date: $(date -u)"; uname -a; nproc; "$SERVER_JAVA" -version 2>&1 | head -1; cat /proc/cmdline; cat /sys/devices/system/cpu/cpuidle/current_driver
  cat /sys/devices/system/cpu/cpu0/cpuidle/state*/name; echo "request ${REQUEST:-deployment-create-compliant}, ${CALLS:-2000} calls, pause ${PAUSE_US:-5000} µs"; } > "$OUT/machine.txt"
for round in $(seq 1 "${ROUNDS:-3}"); do
  for mode in halt poll; do
    for s in "${STATES[@]}"; do [[ $mode == poll ]] && echo 1 > "$s" || echo 0 > "$s"; done
    "$SERVER_JAVA" "${quiet[@]}" -Xmx1g -cp "$TOOLS:$CLASSES:$DEP" dev.harbormaster.bench.LatencyHarness \
      "${REQUEST:-deployment-create-compliant}" "${CALLS:-2000}" 10 evaluate "${PAUSE_US:-5000}" > "$OUT/idle-$round-$mode.txt" 2>&1
    echo "$round $mode $(grep -o '"wall_p50_us":[0-9.]*\|"cpu_p50_us":[0-9.]*,"cpu_p90_us":[0-9.]*,"cpu_p99_us":[0-9.]*' "$OUT/idle-$round-$mode.txt" | tr '\n' ' ')" | tee -a "$OUT/summary.txt"
  done
done
