#!/usr/bin/env bash
# Engine micro-benchmarks (JMH 1.37). One command:
#
#   bench/jmh/run.sh                 # everything (engine + scaling), about 20 minutes on 2 cores
#   bench/jmh/run.sh engine          # EngineBench, RequestPathBench, CelTraceBench, PerPolicyBench, ProbeSanityBench,
#                                    # latency harness, JFR profile of evaluate()
#   bench/jmh/run.sh scaling         # ScalingBench, LoadCompileBench (first load warm and cold, reload of one changed policy), ColdLoad, JFR of a 1,000-policy load
#   (or one part: engine_jmh celtrace perpolicy probesanity latency jfr_evaluate scaling_jmh load coldload jfr_load)
#   bench/jmh/run.sh 'EngineBench' -p request=deployment    # any JMH pattern, extra JMH options may follow
#
# 1. installs dev.harbormaster:harbormaster:0.1.0-SNAPSHOT into ~/.m2 (from an export of the
#    committed tree, see ../lib.sh),
# 2. builds bench/jmh/target/benchmarks.jar (maven-shade, main class org.openjdk.jmh.Main),
# 3. runs the benchmarks (-f 1 -wi 3 -i 5 -w 2s -r 2s; sample mode: mean and percentiles; -prof gc),
# writing the raw output to bench/results/<date>/jmh/.
source "$(dirname "$0")/../lib.sh"
JMH_DIR=$BENCH_DIR/jmh
OUT=$RESULTS/jmh
mkdir -p "$OUT"
JAVA=${JAVA:-$JAVA17}
RUN="-f 1 -wi 3 -i 5 -w 2s -r 2s"
SUITE=${1:-all}

install_server
log "building the benchmark jar"
(cd "$JMH_DIR" && "$HM_WORK/src/mvnw" -B -q -f pom.xml package)
JAR=$JMH_DIR/target/benchmarks.jar
machine_info > "$OUT/machine-$SUITE.txt"

# with_gc NAME PATTERN: the benchmarks matching PATTERN with -prof gc; raw output in NAME.txt and NAME.json,
# the result lines on stderr.
with_gc() {
  "$JAVA" -jar "$JAR" "$2" $RUN -prof gc -rf json -rff "$OUT/$1.json" 2>&1 | tee "$OUT/$1.txt" | grep -E '^[A-Za-z]+Bench\.' >&2 || true
}

engine_jmh() {
  log "engine and request path (sample mode, -prof gc)"
  with_gc engine 'EngineBench|RequestPathBench'
}

celtrace() {
  log "what the cost meter costs (CelExpression.eval vs Program.eval)"
  with_gc celtrace 'CelTraceBench'
}

probesanity() {
  log "probe-sanity's variables one by one, and two rewrites"
  with_gc probesanity 'ProbeSanityBench'
}

perpolicy() {
  log "one policy at a time on the typical Deployment"
  with_gc perpolicy 'PerPolicyBench'
}

latency() {
  log "latency harness: wall and thread CPU time per call (50,000 calls after 15 s warm-up)"
  : > "$OUT/latency.jsonl"
  for spec in "deployment evaluate" "deployment-create-compliant evaluate" "deployment-create-compliant request-path" \
              "pod evaluate" "statefulset20 evaluate" "configmap evaluate" "deployment mutate"; do
    set -- $spec
    echo "load average: $(cat /proc/loadavg)" >> "$OUT/latency.txt"
    "$JAVA" -Xms1g -Xmx1g -cp "$JAR" dev.harbormaster.bench.LatencyHarness "$1" 50000 15 "$2" 2>&1 | tee -a "$OUT/latency.txt" \
      | grep '^RESULT ' | sed 's/^RESULT //' | tee -a "$OUT/latency.jsonl" >&2
  done

}

jfr_evaluate() {
  log "JFR profile of evaluate() on the typical Deployment"
  rm -rf "$OUT/jfr"
  "$JAVA" -jar "$JAR" 'EngineBench.evaluate' -p request=deployment -f 1 -wi 3 -i 3 -w 2s -r 5s \
    -prof "jfr:dir=$OUT/jfr;configName=profile" > "$OUT/jfr-run.txt" 2>&1 || true
  local rec; rec=$(find "$OUT/jfr" -name '*.jfr' | head -1)
  if [[ -n "$rec" ]]; then
    JFR=$(dirname "$(readlink -f "$JAVA")")/jfr python3 "$BENCH_DIR/tools/jfr-top.py" "$rec" --filter dev.harbormaster --depth 3 --top 30 \
      > "$OUT/jfr-evaluate-deployment.txt" 2>&1 || true
    mv "$rec" "$OUT/evaluate-deployment.jfr"; rm -rf "$OUT/jfr"
  fi
}

scaling_jmh() {
  log "scaling with policy count (sample mode, -prof gc)"
  with_gc scaling 'ScalingBench'
}

load() {
  log "load + compile N policies, warm: a first load, and a reload with one policy changed"
  "$JAVA" -jar "$JAR" 'LoadCompileBench' -f 1 -wi 3 -i 10 -rf json -rff "$OUT/load-warm.json" 2>&1 | tee "$OUT/load-warm.txt" | grep -E '^LoadCompile' >&2 || true
  log "load + compile 1000 policies: cold (the first load in a fresh JVM, 5 forks)"
  "$JAVA" -jar "$JAR" 'LoadCompileBench.load$' -p policies=1000 -f 5 -wi 0 -i 1 -rf json -rff "$OUT/load-cold.json" 2>&1 | tee "$OUT/load-cold.txt" | grep -E '^LoadCompile' >&2 || true
}

coldload() {
  log "the bundled pack in a fresh JVM, as the server's start loads it (5 runs)"
  : > "$OUT/cold-load.jsonl"
  for _ in 1 2 3 4 5; do
    "$JAVA" -cp "$JAR" dev.harbormaster.bench.ColdLoad | grep '^RESULT ' | sed 's/^RESULT //' | tee -a "$OUT/cold-load.jsonl" >&2
  done
}

jfr_load() {
  log "JFR profile of loading 1000 policies"
  rm -rf "$OUT/jfr"
  "$JAVA" -jar "$JAR" 'LoadCompileBench.load$' -p policies=1000 -f 1 -wi 2 -i 5 \
    -prof "jfr:dir=$OUT/jfr;configName=profile" > "$OUT/jfr-load-run.txt" 2>&1 || true
  local rec; rec=$(find "$OUT/jfr" -name '*.jfr' | head -1)
  if [[ -n "$rec" ]]; then
    JFR=$(dirname "$(readlink -f "$JAVA")")/jfr python3 "$BENCH_DIR/tools/jfr-top.py" "$rec" --filter dev.harbormaster --depth 3 --top 30 \
      > "$OUT/jfr-load-1000.txt" 2>&1 || true
    mv "$rec" "$OUT/load-1000.jfr"; rm -rf "$OUT/jfr"
  fi
}

engine() { engine_jmh; celtrace; perpolicy; probesanity; latency; jfr_evaluate; }
scaling() { scaling_jmh; load; coldload; jfr_load; }

case $SUITE in
  all) engine; scaling ;;
  engine|scaling|engine_jmh|celtrace|perpolicy|probesanity|latency|jfr_evaluate|scaling_jmh|load|coldload|jfr_load) "$SUITE" ;;
  *) shift
     "$JAVA" -jar "$JAR" "$SUITE" $RUN -prof gc -rf json -rff "$OUT/custom.json" "$@" 2>&1 | tee "$OUT/custom.txt" ;;
esac
log "done: $OUT"
