#!/usr/bin/env bash
# Engine JMH before/after in one run: two revisions, each with its own benchmark sources, run
# alternately (A B A B …) so that both see the same machine. One command:
#
#   bench/jmh/ab.sh BASE_REV NEW_REV          # about 20 minutes with the defaults on 2 cores
#   ROUNDS=1 bench/jmh/ab.sh 3dbe7db bench    # one round
#
# For each side (a = BASE, b = NEW): exports the revision (git archive, with its own bench/jmh) to
# $AB_ROOT/hm-bench-base or hm-bench-new /src, installs the server jar into a Maven repository of
# that directory only (-Dmaven.repo.local=…/m2, reading everything else from ~/.m2 through
# maven.repo.local.tail, so the two builds and anyone else's stay apart), and builds its
# benchmarks.jar there. SKIP_BUILD=1 reuses both jars.
# Then ROUNDS times: EngineBench (evaluate and mutate of the requests in $REQUESTS) and RequestPathBench on BASE, then on NEW.
# Raw output in bench/results/<date>/jmh-ab/: <round>-<a|b>-<engine|requestpath>.txt / .json, machine.txt, table.md.
# (the .json files xz-compressed at the end, as elsewhere in results/)
source "$(dirname "$0")/../lib.sh"
BASE=${1:?usage: bench/jmh/ab.sh BASE_REV NEW_REV}
NEW=${2:?usage: bench/jmh/ab.sh BASE_REV NEW_REV}
AB_ROOT=${AB_ROOT:-/tmp}
OUT=$RESULTS/jmh-ab
mkdir -p "$OUT"
JAVA=${JAVA:-$JAVA17}
ROUNDS=${ROUNDS:-2}
REQUESTS=${REQUESTS:-deployment,deployment-create-compliant,deployment-denied,pod,configmap}
ENGINE=${ENGINE:-'EngineBench'}
RUN=${JMH_RUN:-"-f 1 -wi 3 -i 5 -w 2s -r 2s"}

dir_of() { [[ $1 == a ]] && echo "$AB_ROOT/hm-bench-base" || echo "$AB_ROOT/hm-bench-new"; }

# build SIDE REV: the server jar and benchmarks.jar of REV, in the side's own directory and Maven repository.
build() {
  local side=$1 rev=$2 dir; dir=$(dir_of "$1")
  local m2=(-Dmaven.repo.local="$dir/m2" -Dmaven.repo.local.tail="$HOME/.m2/repository")
  [[ -n "${SKIP_BUILD:-}" && -f "$dir/src/bench/jmh/target/benchmarks.jar" ]] && return 0
  HM_WORK=$dir HM_REV=$rev snapshot
  log "$side: installing the server jar of $rev into $dir/m2"
  (cd "$dir/src" && ./mvnw -B -q "${m2[@]}" install -DskipTests)
  log "$side: building benchmarks.jar from $rev's bench/jmh"
  (cd "$dir/src/bench/jmh" && "$dir/src/mvnw" -B -q "${m2[@]}" -f pom.xml package -Dfixtures.dir="$FIXTURES")
}

build a "$BASE"
build b "$NEW"
{
  machine_info
  echo "A (BASE): $(cat "$(dir_of a)/src/.bench-revision")  jar: $(dir_of a)/src/bench/jmh/target/benchmarks.jar"
  echo "B (NEW):  $(cat "$(dir_of b)/src/.bench-revision")  jar: $(dir_of b)/src/bench/jmh/target/benchmarks.jar"
  echo "rounds: $ROUNDS; engine pattern: $ENGINE; requests: $REQUESTS; JMH: $RUN"
  echo "other processes (top 8 by CPU):"; ps -eo pid,pcpu,etime,args --sort=-pcpu | head -9 | cut -c1-200
} > "$OUT/machine.txt"

for round in $(seq 1 "$ROUNDS"); do
  for side in a b; do
    jar=$(dir_of "$side")/src/bench/jmh/target/benchmarks.jar
    log "round $round, $side: $ENGINE ($REQUESTS), then RequestPathBench (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    echo "round $round $side start $(date +%H:%M:%S) load average: $(cat /proc/loadavg)" >> "$OUT/loadavg.txt"
    # Two JMH runs, one raw file each: EngineBench with the requests, RequestPathBench (its own fixture parameter).
    "$JAVA" -jar "$jar" "$ENGINE" $RUN -p request="$REQUESTS" \
      -rf json -rff "$OUT/$round-$side-engine.json" > "$OUT/$round-$side-engine.txt" 2>&1 || log "  JMH exited with $?"
    "$JAVA" -jar "$jar" 'RequestPathBench' $RUN \
      -rf json -rff "$OUT/$round-$side-requestpath.json" > "$OUT/$round-$side-requestpath.txt" 2>&1 || log "  JMH exited with $?"
    grep -hE '^(EngineBench|RequestPathBench)\.[A-Za-z]+ ' "$OUT/$round-$side-engine.txt" "$OUT/$round-$side-requestpath.txt" >&2 || true
  done
done
echo "end $(date +%H:%M:%S) load average: $(cat /proc/loadavg)" >> "$OUT/loadavg.txt"

# BASE vs NEW per benchmark: each round's mean ± error and p50, NEW/BASE of the means and of the lowest p50s.
python3 "$BENCH_DIR/tools/jmh-ab-table.py" "$OUT" > "$OUT/table.md"
for f in "$OUT"/*-[ab]-*.json; do [[ -f "$f" ]] && xz -9 -T1 -f "$f"; done
cat "$OUT/table.md" >&2
log "done: $OUT"
