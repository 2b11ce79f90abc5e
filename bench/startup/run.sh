#!/usr/bin/env bash
# Startup time and memory. One command:
#
#   bench/startup/run.sh         # about 10 minutes; RUNS=5 by default
#
# For each variant: RUNS times, start the packaged server (JVM mode, default pack), time from the
# process start (just before exec) to the first 200 from /q/health/ready (curl every 10 ms), read
# Quarkus' own "started in" line, RSS idle (VmRSS 5 s after ready) and the highest RSS during 10 s of
# wrk load on /validate (16 connections). Variants:
#   jdk17              java -jar quarkus-run.jar on JDK 17
#   jdk17-appcds       JDK 17 dynamic AppCDS: a training run with -XX:ArchiveClassesAtExit, then -XX:SharedArchiveFile
#   jdk17-quarkus-appcds  the archive Quarkus builds with -Dquarkus.package.jar.appcds.enabled=true (a separate build)
#   jdk25              java -jar on Temurin 25
#   jdk25-aot          JDK 25 AOT cache (JEP 483/514): training with -XX:AOTCacheOutput, then -XX:AOTCache
# Training runs start the server, wait for ready, send requests to both doors, and stop it.
# Raw output in bench/results/<date>/startup/.
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/startup
RUN_DIR=$OUT
mkdir -p "$OUT"
RUNS=${RUNS:-5}
VARIANTS=${VARIANTS:-"jdk17 jdk17-appcds jdk17-quarkus-appcds jdk25 jdk25-aot"}
FIXTURE=$FIXTURES/deployment-create-compliant.json
CA=$HM_WORK/src/target/dev-certs/ca.crt

build_server
machine_info > "$OUT/machine.txt"
APP=$HM_WORK/src/target/quarkus-app
ARCHIVES=$HM_WORK/archives   # the CDS archive and AOT cache (tens of MB): kept out of results/
mkdir -p "$ARCHIVES"
: > "$OUT/summary.jsonl"
# A failed run must not leave a server holding 8443/9000 for the next benchmark.
trap 'stop_server' EXIT

post() { curl -s -o /dev/null --cacert "$CA" -H 'Content-Type: application/json' --data-binary @"$FIXTURE" "https://localhost:8443/$1"; }

# train NAME JAVA OPTIONS...: one start/requests/stop run that writes an archive on exit.
train() {
  local name=$1 java=$2; shift 2
  log "training run for $name: $*"
  start_server "train-$name" "$java" "$@"
  wait_ready 9000 120 > /dev/null
  for _ in $(seq 1 200); do post validate; post mutate; done
  stop_server "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
}

# A copy of the build with Quarkus' own AppCDS archive (the project's pom and properties untouched).
quarkus_appcds() {
  local copy=$HM_WORK/appcds-src
  if [[ -z "${SKIP_BUILD:-}" || ! -f "$copy/target/quarkus-app/app-cds.jsa" ]]; then
    rm -rf "$copy"; cp -a "$HM_WORK/src" "$copy"
    log "building a copy with -Dquarkus.package.jar.appcds.enabled=true"
    (cd "$copy" && ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true) > "$OUT/quarkus-appcds-build.txt" 2>&1 || true
  fi
  ls -la "$copy/target/quarkus-app/" >> "$OUT/quarkus-appcds-build.txt" 2>&1
  [[ -f "$copy/target/quarkus-app/app-cds.jsa" ]]
}

# The options of each variant (training first where needed).
OPTIONS=()
prepare() {
  local variant=$1
  OPTIONS=(); JAVA_VARIANT=$JAVA17; APP_VARIANT=$APP
  case $variant in
    jdk17) ;;
    jdk17-appcds)
      rm -f "$ARCHIVES/app17.jsa"
      train "$variant" "$JAVA17" -XX:ArchiveClassesAtExit="$ARCHIVES/app17.jsa"
      OPTIONS=(-XX:SharedArchiveFile="$ARCHIVES/app17.jsa" -Xshare:auto) ;;
    jdk17-quarkus-appcds)
      quarkus_appcds || { log "Quarkus did not build app-cds.jsa (see quarkus-appcds-build.txt)"; return 1; }
      APP_VARIANT=$HM_WORK/appcds-src/target/quarkus-app
      OPTIONS=(-XX:SharedArchiveFile="$APP_VARIANT/app-cds.jsa" -Xshare:auto) ;;
    jdk25) JAVA_VARIANT=$JAVA25 ;;
    jdk25-aot)
      JAVA_VARIANT=$JAVA25
      rm -f "$ARCHIVES/app25.aot"
      train "$variant" "$JAVA25" -XX:AOTCacheOutput="$ARCHIVES/app25.aot"
      [[ -f "$ARCHIVES/app25.aot" ]] || { log "no AOT cache written"; return 1; }
      OPTIONS=(-XX:AOTCache="$ARCHIVES/app25.aot") ;;
  esac
}

for variant in $VARIANTS; do
  prepare "$variant" || { echo "{\"variant\":\"$variant\",\"error\":\"could not prepare, see the logs\"}" >> "$OUT/summary.jsonl"; continue; }
  for run in $(seq 1 "$RUNS"); do
    name="$variant-run$run"
    start=$(date +%s%N)
    "$JAVA_VARIANT" -Dharbormaster.tls.dir="$HM_WORK/src/target/dev-certs" -Dharbormaster.cluster.enabled=false \
      "${OPTIONS[@]}" -jar "$APP_VARIANT/quarkus-run.jar" > "$OUT/$name.log" 2>&1 &
    pid=$!
    ready_ms=$(wait_ready 9000 120) || ready_ms=null
    ready_ms=$(( ($(date +%s%N) - start) / 1000000 ))
    started=$(grep -oE 'started in [0-9.]+s' "$OUT/$name.log" | grep -oE '[0-9.]+' || echo null)
    sleep 5
    rss_idle=$(rss_kb "$pid")
    wrk -t1 -c16 -d10s -s "$BENCH_DIR/http/admission.lua" https://localhost:8443 -- /validate "$FIXTURES"/*.json > "$OUT/$name.wrk.txt" 2>&1 &
    load=$!
    rss_load=0
    while kill -0 "$load" 2>/dev/null; do r=$(rss_kb "$pid"); (( r > rss_load )) && rss_load=$r; sleep 0.5; done
    rps=$(grep '^RESULT ' "$OUT/$name.wrk.txt" | sed 's/^RESULT //' | python3 -c 'import json,sys; print(json.load(sys.stdin)["rps"])' 2>/dev/null || echo null)
    stop_server "$pid"
    wait "$pid" 2>/dev/null || true
    line="{\"variant\":\"$variant\",\"run\":$run,\"ready_ms\":$ready_ms,\"quarkus_started_s\":$started,\"rss_idle_kb\":$rss_idle,\"rss_load_max_kb\":$rss_load,\"load_rps\":$rps,\"options\":\"${OPTIONS[*]}\"}"
    echo "$line" | tee -a "$OUT/summary.jsonl" >&2
    sleep 1
  done
done

trim_logs "$OUT"
ls -la "$ARCHIVES" > "$OUT/archives.txt"
python3 - "$OUT/summary.jsonl" <<'PY' | tee "$OUT/medians.txt" >&2
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(f"{'variant':24} {'runs':>4} {'ready ms (median, min-max)':>28} {'quarkus s':>10} {'RSS idle MB':>12} {'RSS load MB':>12} {'rps':>8}")
for v in dict.fromkeys(r["variant"] for r in rows):
    rs = [r for r in rows if r["variant"] == v and "ready_ms" in r]
    if not rs:
        print(f"{v:24} could not be measured"); continue
    med = lambda k: statistics.median(r[k] for r in rs if r.get(k) is not None)
    ready = [r["ready_ms"] for r in rs]
    print(f"{v:24} {len(rs):4d} {med('ready_ms'):10.0f} ({min(ready)}-{max(ready)}){'':8} {med('quarkus_started_s'):10.3f} "
          f"{med('rss_idle_kb') / 1024:12.0f} {med('rss_load_max_kb') / 1024:12.0f} {med('load_rps'):8.0f}")
PY
