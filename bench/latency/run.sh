#!/usr/bin/env bash
# Latency as kube-apiserver feels it: one h2 connection, few requests in flight, fixed low rates.
#
#   bench/latency/run.sh [BASE_REV]     # about 15 minutes with the defaults
#
# Servers, side by side, one JVM each on the same java (JAVA, default SERVER_JAVA: the image's JDK 25
# when installed) with the same JVM options (JAVA_OPTS):
#   pack   Harbormaster (the source to measure, HM_REV) with the default pack      8443 / 9000
#   empty  the same build with an empty policy directory                           8444 / 9001
#   floor  bench/latency/Floor.java: Vert.x + Netty + TLS + h2 from the same jars,
#          answering a canned AdmissionReview once the body is in, without parsing  8445
#   base   with BASE_REV: that revision with the default pack (before/after)       8446 / 9003
# Each load is h2load on ONE connection (-c1) with at most M streams in flight (-m M) at a fixed
# rate (--rps), sending the captured compliant Deployment to /validate. Every (rate, M) cell runs
# on all servers one after the other, ROUNDS times, so that the machine's other load falls on all
# of them alike: read the gaps and ratios of one round, not absolute figures.
#   RATES='50 200 1000'  STREAMS='1 2 8'  ROUNDS=2  SECONDS_PER_RUN (default: 1,000 requests or 10 s)
#   BURST_ROUNDS (default: ROUNDS)  WARMUP=15 (s per server)
#   FLOOR_TLS=openssl    the floor on netty-tcnative's BoringSSL instead of JSSE (needs the jar in ~/.m2)
#   CLUSTER=mock         pack, empty and base watch a stand-in API server (MockCluster.java: fabric8's mock
#                        server in CRUD mode with the reviews' namespace and a PDB selecting the Deployment), so the
#                        cluster rules evaluate as in a cluster; by default the servers run offline, where those
#                        rules answer "could not check" (an exception path inside cel-java, bench/RESULTS.md)
# Raw output in bench/results/<date>/latency/: summary.jsonl, table.md, h2load logs, server logs.
source "$(dirname "$0")/../lib.sh"
BASE=${1:-}
OUT=${OUT:-$RESULTS/latency}
RUN_DIR=$OUT
mkdir -p "$OUT"
JAVA=${JAVA:-$SERVER_JAVA}
ROOT=$HM_WORK
RATES=${RATES:-50 200 1000}
STREAMS=${STREAMS:-1 2 8}
ROUNDS=${ROUNDS:-2}
read -r -a JVM <<< "${JAVA_OPTS:-}"

HM_WORK=$ROOT/new HM_REV=${HM_REV:-worktree} build_server
[[ -n "$BASE" ]] && HM_WORK=$ROOT/base HM_REV=$BASE build_server
APP=$ROOT/new/src/target/quarkus-app
COMPLIANT=$FIXTURES/deployment-create-compliant.json
{ machine_info; echo "new: $(cat "$ROOT/new/src/.bench-revision")"; [[ -n "$BASE" ]] && echo "base: $(cat "$ROOT/base/src/.bench-revision")";
  echo "JVM options: ${JAVA_OPTS:-none}"; echo "rates: $RATES; streams: $STREAMS; rounds: $ROUNDS"; } > "$OUT/machine.txt"
: > "$OUT/summary.jsonl"

EMPTY_DIR=$(mktemp -d /tmp/harbormaster-empty-policies.XXXXXX)
declare -A PID PORT
CLUSTER_JVM=()
if [[ "${CLUSTER:-offline}" == mock ]]; then
  TEST_CP=$(cd "$ROOT/new/src" && ./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=test)
  "$JAVA" "${JVM[@]}" -cp "$TEST_CP" "$BENCH_DIR/latency/MockCluster.java" 18080 > "$OUT/mock-cluster.log" 2>&1 &
  PID[mock]=$!
  for _ in $(seq 1 300); do grep -q '^ready' "$OUT/mock-cluster.log" && break; sleep 0.1; done
  grep -q '^ready' "$OUT/mock-cluster.log" || { cat "$OUT/mock-cluster.log" >&2; exit 1; }
  CLUSTER_JVM=(-Dharbormaster.cluster.enabled=true -Dquarkus.kubernetes-client.api-server-url=http://127.0.0.1:18080)
fi
echo "cluster: ${CLUSTER:-offline}" >> "$OUT/machine.txt"
HM_WORK=$ROOT/new HTTPS_PORT=8443 MGMT_PORT=9000 start_server pack "$JAVA" "${JVM[@]}" "${CLUSTER_JVM[@]}"; PID[pack]=$SERVER_PID; PORT[pack]=8443
HM_WORK=$ROOT/new HTTPS_PORT=8444 MGMT_PORT=9001 start_server empty "$JAVA" "${JVM[@]}" "${CLUSTER_JVM[@]}" -Dharbormaster.policies.dir="$EMPTY_DIR"
PID[empty]=$SERVER_PID; PORT[empty]=8444
SERVERS=(pack empty floor)
if [[ -n "$BASE" ]]; then
  HM_WORK=$ROOT/base HTTPS_PORT=8446 MGMT_PORT=9003 start_server base "$JAVA" "${JVM[@]}" "${CLUSTER_JVM[@]}"; PID[base]=$SERVER_PID; PORT[base]=8446
  SERVERS+=(base)
fi
trap 'for s in "${!PID[@]}"; do stop_server "${PID[$s]}"; done; rm -rf "$EMPTY_DIR"' EXIT
wait_ready 9000 >/dev/null && wait_ready 9001 >/dev/null
[[ -n "$BASE" ]] && wait_ready 9003 >/dev/null

# The floor's canned answer is the pack's real answer to the request, so both send the same bytes.
curl -sk --http2 -H 'Content-Type: application/json' --data-binary @"$COMPLIANT" https://localhost:8443/validate > "$OUT/floor-answer.json"
grep -q '"allowed":true' "$OUT/floor-answer.json" || { log "the pack did not allow the compliant Deployment"; exit 1; }
"$JAVA" "${JVM[@]}" -Djava.util.logging.manager=org.jboss.logmanager.LogManager -cp "$APP/lib/main/*:$APP/lib/boot/*:$HOME/.m2/repository/io/netty/netty-tcnative-boringssl-static/2.0.74.Final/*:$HOME/.m2/repository/io/netty/netty-tcnative-classes/2.0.74.Final/*" \
  "$BENCH_DIR/latency/Floor.java" 8445 "$ROOT/new/src/target/dev-certs/tls.crt" "$ROOT/new/src/target/dev-certs/tls.key" \
  "$OUT/floor-answer.json" "${FLOOR_TLS:-jsse}" > "$OUT/floor.log" 2>&1 &
PID[floor]=$!; PORT[floor]=8445
for _ in $(seq 1 300); do grep -q 'floor listening' "$OUT/floor.log" && break; sleep 0.1; done
grep -q 'floor listening' "$OUT/floor.log" || { cat "$OUT/floor.log" >&2; exit 1; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# run NAME SERVER M RATE SECONDS: one h2load run; its percentiles (the first second skipped) and the
# server's CPU per request go to summary.jsonl.
run() {
  local name=$1 server=$2 m=$3 rate=$4 seconds=$5 before after rate_arg=() result
  [[ $rate != 0 ]] && rate_arg=(--rps="$rate")
  before=$(cpu_ticks "${PID[$server]}")
  h2load -t1 -c1 -m"$m" "${rate_arg[@]}" -D"$seconds" -H 'Content-Type: application/json' -d "$COMPLIANT" \
    --log-file="$OUT/$name.$server.log" "https://localhost:${PORT[$server]}/validate" > "$OUT/$name.$server.txt" 2>&1 || true
  after=$(cpu_ticks "${PID[$server]}")
  result=$(python3 "$BENCH_DIR/http/percentiles.py" "$OUT/$name.$server.log" --skip-seconds 1)
  python3 -c '
import json, sys
r = json.loads(sys.argv[1]); ticks, hz = int(sys.argv[6]), int(sys.argv[7])
r.update({"run": sys.argv[2], "server": sys.argv[3], "streams": int(sys.argv[4]), "rate": int(sys.argv[5]), "round": int(sys.argv[8]),
          "server_cpu_us_per_request": round(ticks / hz * 1e6 / r["count"], 1) if r.get("count") else None})
print(json.dumps(r))' "$result" "$name" "$server" "$m" "$rate" "$((after - before))" "$(getconf CLK_TCK)" "$ROUND" | tee -a "$OUT/summary.jsonl" >&2
  xz -T1 -f "$OUT/$name.$server.log"
}

# Warm-up (JIT): 15 s of 8 streams without a rate limit on each server; recorded, not reported.
ROUND=0
for server in "${SERVERS[@]}"; do run warmup "$server" 8 0 "${WARMUP:-15}" 2>/dev/null; done
: > "$OUT/summary.jsonl"
for ROUND in $(seq 1 "$ROUNDS"); do
  for rate in $RATES; do
    for m in $STREAMS; do
      seconds=${SECONDS_PER_RUN:-$(( 1000 / rate > 10 ? 1000 / rate + 1 : 10 ))}
      for server in "${SERVERS[@]}"; do run "r$rate-m$m-round$ROUND" "$server" "$m" "$rate" "$seconds"; done
    done
  done
done
# A burst: 8 streams always in flight on the one connection (no rate), where offloading pays.
for ROUND in $(seq 1 "${BURST_ROUNDS:-$ROUNDS}"); do
  for server in "${SERVERS[@]}"; do run "burst-m8-round$ROUND" "$server" 8 0 10; done
done
echo "load average after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
echo "errors in the server logs:" >&2
grep -ciE 'ERROR|Exception' "$OUT"/*.log >&2 || true
trim_logs "$OUT"
python3 "$BENCH_DIR/tools/latency-table.py" "$OUT/summary.jsonl" > "$OUT/table.md"
cat "$OUT/table.md" >&2
log "done: $OUT/table.md"
