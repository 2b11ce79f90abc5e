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

# BASE vs NEW per benchmark: each round's mean ± error, and NEW/BASE of the means pooled over the rounds.
python3 - "$OUT" "$ROUNDS" > "$OUT/table.md" <<'PY'
import json, sys, os
out, rounds = sys.argv[1], int(sys.argv[2])
rows = {}
for r in range(1, rounds + 1):
    for side in "ab":
      for part in ("engine", "requestpath"):
        path = os.path.join(out, f"{r}-{side}-{part}.json")
        if not os.path.exists(path):
            continue
        for b in json.load(open(path)):
            name = b["benchmark"].split(".")[-2] + "." + b["benchmark"].split(".")[-1]
            name += " " + ",".join(f"{k}={v}" for k, v in sorted(b.get("params", {}).items()))
            m = b["primaryMetric"]
            pct = m.get("scorePercentiles", {})
            rows.setdefault(name, {}).setdefault(side, []).append((m["score"], m["scoreError"], pct.get("99.0"), m["scoreUnit"]))
print("| benchmark | BASE mean ± error per round | NEW mean ± error per round | BASE p99 | NEW p99 | NEW/BASE (mean) |")
print("| --- | --- | --- | ---: | ---: | ---: |")
fmt = lambda v: "nan" if v != v else f"{v:.2f}"
for name, sides in rows.items():
    a, b = sides.get("a", []), sides.get("b", [])
    cell = lambda xs: "; ".join(f"{s:.2f} ± {fmt(e)}" for s, e, _, _ in xs)
    p99 = lambda xs: " / ".join(f"{p:.1f}" for _, _, p, _ in xs if p is not None)
    ma = sum(s for s, *_ in a) / len(a) if a else None
    mb = sum(s for s, *_ in b) / len(b) if b else None
    ratio = f"{mb / ma:.3f}" if ma and mb else "—"
    unit = (a or b)[0][3]
    print(f"| {name} ({unit}) | {cell(a)} | {cell(b)} | {p99(a)} | {p99(b)} | {ratio} |")
PY
cat "$OUT/table.md" >&2
log "done: $OUT"
