#!/usr/bin/env bash
# The engine after an idle gap, A against B alternately: LatencyHarness with a 5 ms pause before each
# call (a server at 200/s), the captured compliant Deployment, JDK 25, thread CPU and wall per call.
#   cold.sh A_CLASSES B_CLASSES OUT    (run from the repository; ~2.5 min)
set -euo pipefail
A_CLASSES=$(realpath "$1"); B_CLASSES=$(realpath "$2"); OUT=$3
DEP=$(cat /tmp/cp.txt)   # ./mvnw -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=runtime
TOOLS=$(mktemp -d)
ln -s "$(realpath ../shared/fixtures/admission-reviews)" "$TOOLS/fixtures"   # Requests reads /fixtures/*.json from the class path
javac -nowarn -d "$TOOLS" -cp "$B_CLASSES:$DEP" bench/jmh/src/main/java/dev/harbormaster/bench/LatencyHarness.java bench/jmh/src/main/java/dev/harbormaster/bench/Requests.java
for round in 1 2 3; do
  for side in A B; do
    classes=${side}_CLASSES
    java --sun-misc-unsafe-memory-access=allow -Xmx1g -cp "$TOOLS:${!classes}:$DEP" dev.harbormaster.bench.LatencyHarness \
      deployment-create-compliant 2000 10 evaluate 5000 > "$OUT/cold-$round-$side.txt" 2>&1
  done
done
