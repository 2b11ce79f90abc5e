#!/usr/bin/env bash
# CLI start and run time, before/after in one run:
#
#   BASE_REV=db18d8f bench/cli/run.sh      # about 10 minutes on a quiet machine; RUNS=10 by default
#
# Builds BASE_REV and HM_REV (default HEAD) each in its own directory (or takes BASE_APP / NEW_APP,
# quarkus-app directories already built), then times `audit --offline` over one Deployment
# (fixtures/manifests/01-deploy-latest.yaml) and over 1,008 objects (the 16 objects of
# fixtures/manifests/ in 63 namespaces) with hyperfine (Debian's package; warm-up runs first, so the
# caches are warm) and once more under /usr/bin/time -v for CPU and peak RSS. Variants:
#   base-jar        java -jar quarkus-run.jar of BASE_REV (compiles the pack on every run)
#   new-jar-nocache java -jar of HM_REV with --no-cache (compiles the pack on every run)
#   new-jar         java -jar of HM_REV, checked-expression cache warm
#   new-bin-17      bin/harbormaster of HM_REV on JDK 17: plain class path, AppCDS archive, C1 only, serial GC
#   new-bin-25      the same on Temurin 25 with its AOT cache
# Raw output in bench/results/<date>/cli/.
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/cli
mkdir -p "$OUT"
RUNS=${RUNS:-10}
VARIANTS=${VARIANTS:-"base-jar new-jar-nocache new-jar new-bin-17 new-bin-25"}
MANIFESTS=$(cd "$HM_SRC/.." && pwd)/shared/fixtures/manifests
command -v hyperfine >/dev/null || { echo "hyperfine is needed: apt-get install -y hyperfine" >&2; exit 2; }

if [[ -z "${NEW_APP:-}" ]]; then
  build_server
  NEW_APP=$HM_WORK/src/target/quarkus-app
  NEW_BIN=$HM_WORK/src/bin/harbormaster
fi
NEW_BIN=${NEW_BIN:-$HM_SRC/bin/harbormaster}
if [[ -z "${BASE_APP:-}" ]]; then
  : "${BASE_REV:?give BASE_REV (the revision to compare with) or BASE_APP}"
  HM_REV=$BASE_REV HM_WORK=$HM_WORK/base build_server
  BASE_APP=$HM_WORK/base/src/target/quarkus-app
fi
machine_info > "$OUT/machine.txt"
echo "base: $BASE_APP (${BASE_REV:-given}); new: $NEW_APP" >> "$OUT/machine.txt"

INPUTS=$HM_WORK/cli-inputs
CACHE=$HM_WORK/cli-cache          # XDG_CACHE_HOME of the runs: the checked expressions and the class archives
mkdir -p "$INPUTS" "$CACHE"
cp "$MANIFESTS/01-deploy-latest.yaml" "$INPUTS/one.yaml"
python3 - "$MANIFESTS" "$INPUTS/many.yaml" <<'PY'
import glob, sys
docs = [open(f).read().strip().strip('-').strip() for f in sorted(glob.glob(sys.argv[1] + '/*.yaml'))]
out = [d.replace('namespace: fixtures', 'namespace: ns%d' % i) for i in range(1, 64) for d in docs]
open(sys.argv[2], 'w').write('\n---\n'.join(out) + '\n')
PY

command_of() {
  local variant=$1 input=$2
  case $variant in
    base-jar) echo "$JAVA17 -jar $BASE_APP/quarkus-run.jar audit --offline -o json $input" ;;
    new-jar-nocache) echo "$JAVA17 -jar $NEW_APP/quarkus-run.jar audit --offline --no-cache -o json $input" ;;
    new-jar) echo "$JAVA17 -jar $NEW_APP/quarkus-run.jar audit --offline -o json $input" ;;
    new-bin-17) echo "env HARBORMASTER_HOME=$NEW_APP JAVA_HOME=$(dirname "$(dirname "$JAVA17")") $NEW_BIN audit --offline -o json $input" ;;
    new-bin-25) echo "env HARBORMASTER_HOME=$NEW_APP JAVA_HOME=$(dirname "$(dirname "$JAVA25")") $NEW_BIN audit --offline -o json $input" ;;
  esac
}

export XDG_CACHE_HOME=$CACHE
for input in one many; do
  args=()
  for variant in $VARIANTS; do
    args+=(-n "$variant" "$(command_of "$variant" "$INPUTS/$input.yaml")")
  done
  log "hyperfine over $input.yaml: $VARIANTS"
  hyperfine -N -i --warmup 2 --runs "$RUNS" --export-json "$OUT/hyperfine-$input.json" --export-markdown "$OUT/hyperfine-$input.md" \
    "${args[@]}" > "$OUT/hyperfine-$input.txt" 2>&1
  for variant in $VARIANTS; do
    # shellcheck disable=SC2046
    /usr/bin/time -v $(command_of "$variant" "$INPUTS/$input.yaml") > /dev/null 2> "$OUT/time-$variant-$input.txt" || true
  done
done
echo "load average after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"

python3 - "$OUT" $VARIANTS <<'PY'
import json, re, sys
out, variants = sys.argv[1], sys.argv[2:]
print("| variant | input | wall median (s) | wall min (s) | user+sys mean (s) | max RSS (MB, one run) |")
print("| --- | --- | --- | --- | --- | --- |")
for inp in ("one", "many"):
    runs = {r["command"]: r for r in json.load(open(f"{out}/hyperfine-{inp}.json"))["results"]}
    for v in variants:
        r = runs[v]
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", open(f"{out}/time-{v}-{inp}.txt").read())
        print(f"| {v} | {inp} | {r['median']:.2f} | {min(r['times']):.2f} | {r['user'] + r['system']:.2f} | {int(rss.group(1)) // 1024 if rss else '?'} |")
PY
