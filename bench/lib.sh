# Shared helpers for the benchmark scripts (sourced, not run).
#
# The benchmarks never build in the main tree's target/ (another build or test run may be using it):
# they export the committed source (HM_REV, default HEAD) to $HM_WORK/src and build there.
# HM_REV=worktree measures the working tree with its uncommitted changes; HM_SRC another checkout.
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HM_SRC=${HM_SRC:-$(cd "$BENCH_DIR/.." && pwd)}
HM_WORK=${HM_WORK:-/tmp/harbormaster-bench}
FIXTURES=${FIXTURES:-$(cd "$HM_SRC/.." && pwd)/shared/fixtures/admission-reviews}
JAVA17=${JAVA17:-/usr/lib/jvm/java-17-openjdk-amd64/bin/java}
JAVA25=${JAVA25:-/usr/lib/jvm/temurin-25-jdk-amd64/bin/java}
# The servers run on the JDK the JVM image ships (Dockerfile: Temurin 25) when it is installed here.
SERVER_JAVA=${SERVER_JAVA:-$([[ -x "$JAVA25" ]] && echo "$JAVA25" || echo "$JAVA17")}
DAY=${DAY:-$(date +%Y-%m-%d)}
RESULTS=${RESULTS:-$BENCH_DIR/results/$DAY}

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# Puts the source to measure in $HM_WORK/src: the committed revision HM_REV (default HEAD, via
# git archive), or with HM_REV=worktree a copy of the working tree with its uncommitted changes.
snapshot() {
  local rev=${HM_REV:-HEAD}
  rm -rf "$HM_WORK/src"
  mkdir -p "$HM_WORK/src"
  if [[ "$rev" == worktree ]]; then
    tar -C "$HM_SRC" --exclude=./target --exclude=./.git --exclude=./bench -cf - . | tar -C "$HM_WORK/src" -xf -
    echo "$(git -C "$HM_SRC" rev-parse --short HEAD) + uncommitted changes of the working tree" > "$HM_WORK/src/.bench-revision"
  else
    git -C "$HM_SRC" archive --format=tar "$rev" | tar -C "$HM_WORK/src" -xf -
    echo "$(git -C "$HM_SRC" rev-parse --short "$rev") ($(git -C "$HM_SRC" log -1 --format=%s "$rev" -- | cut -c1-70))" > "$HM_WORK/src/.bench-revision"
  fi
  log "source to measure: $(cat "$HM_WORK/src/.bench-revision"), in $HM_WORK/src"
}

# Packages the server (JVM mode, fast-jar) in the snapshot: $HM_WORK/src/target/quarkus-app.
build_server() {
  [[ -n "${SKIP_BUILD:-}" && -f "$HM_WORK/src/target/quarkus-app/quarkus-run.jar" ]] && return 0
  snapshot
  log "building the server (./mvnw -B -q package -DskipTests)"
  (cd "$HM_WORK/src" && ./mvnw -B -q package -DskipTests)
}

# Installs dev.harbormaster:harbormaster:0.1.0-SNAPSHOT into ~/.m2 from the snapshot (for the JMH project).
install_server() {
  [[ -n "${SKIP_BUILD:-}" && -f "$HM_WORK/src/target/quarkus-app/quarkus-run.jar" ]] && return 0
  snapshot
  log "installing the server jar (./mvnw -B -q install -DskipTests)"
  (cd "$HM_WORK/src" && ./mvnw -B -q install -DskipTests)
}

# The machine, for the record.
machine_info() {
  echo "date: $(date)"
  echo "nproc: $(nproc)"
  echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
  echo "kernel: $(uname -r)"
  echo "memory:"; free -h
  echo "java17: $("$JAVA17" -version 2>&1 | head -2 | tr '\n' ' ')"
  [[ -x "$JAVA25" ]] && echo "java25: $("$JAVA25" -version 2>&1 | head -2 | tr '\n' ' ')"
  echo "server source: ${HM_SRC} at $(cat "$HM_WORK/src/.bench-revision" 2>/dev/null || echo '?')"
  echo "load average: $(cat /proc/loadavg)"
}

# start_server NAME JAVA [jvm options...]: starts the packaged server in the background, logs to
# $RUN_DIR/NAME.log, sets SERVER_PID; the ports come from HTTPS_PORT / MGMT_PORT (default 8443/9000),
# the application from APP_DIR (default the snapshot's target/quarkus-app).
start_server() {
  local name=$1 java=$2; shift 2
  local https=${HTTPS_PORT:-8443} mgmt=${MGMT_PORT:-9000} app=${APP_DIR:-$HM_WORK/src/target/quarkus-app} quiet=()
  # protobuf-java reads sun.misc.Unsafe, which JDK 24+ warns about (the image's ENTRYPOINT allows it too).
  [[ "$(jdk_feature "$java")" -ge 24 ]] && quiet=(--sun-misc-unsafe-memory-access=allow)
  "$java" "${quiet[@]}" -Dharbormaster.tls.dir="$HM_WORK/src/target/dev-certs" \
    -Dquarkus.http.ssl-port="$https" -Dquarkus.management.port="$mgmt" \
    -Dharbormaster.cluster.enabled=false \
    "$@" -jar "$app/quarkus-run.jar" >"$RUN_DIR/$name.log" 2>&1 &
  SERVER_PID=$!
}

# jdk_feature JAVA: the feature release (17, 25) of that java, from its JDK's release file.
jdk_feature() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$(dirname "$(dirname "$(readlink -f "$1")")")/release" 2>/dev/null || echo 0
}

# wait_ready PORT [timeout seconds]: polls /q/health/ready every 10 ms; prints ms waited.
wait_ready() {
  local port=$1 limit=${2:-60} start now
  start=$(date +%s%N)
  while :; do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://localhost:$port/q/health/ready" 2>/dev/null)" == 200 ]]; then
      now=$(date +%s%N); echo $(( (now - start) / 1000000 )); return 0
    fi
    now=$(date +%s%N)
    (( (now - start) / 1000000000 >= limit )) && { echo "not ready after ${limit}s" >&2; return 1; }
    sleep 0.01
  done
}

stop_server() {
  local pid=${1:-${SERVER_PID:-}}
  [[ -z "$pid" ]] && return 0
  kill "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
}

rss_kb() { awk '/VmRSS/ {print $2}' "/proc/$1/status"; }

# trim_logs DIR: server logs hold one JSON line per denied/warned request (hundreds of MB under load);
# keep every other line, the first 20 decision lines, and their count.
trim_logs() {
  local f n
  for f in "$1"/*.log; do
    [[ -f "$f" ]] || continue
    n=$(grep -c '\[harbormaster.decision\]' "$f" || true)
    (( n > 20 )) || continue
    awk '/\[harbormaster.decision\]/ { if (++d <= 20) print; next } { print }' "$f" > "$f.trim"
    echo "[bench] $n decision log lines in all, the first 20 kept above" >> "$f.trim"
    mv "$f.trim" "$f"
  done
}

# compress_request_logs DIR: h2load's per-request logs (of the measured and the warm-up runs), kept xz-compressed.
compress_request_logs() {
  local f
  for f in "$1"/h2load-*.log "$1"/warmup-h2.*.log; do [[ -f "$f" ]] && xz -9 -T1 -f "$f"; done
  return 0
}
