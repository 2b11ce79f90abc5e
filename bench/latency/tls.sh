#!/usr/bin/env bash
# JSSE against OpenSSL (netty-tcnative-boringssl-static) on the transport floor (bench/latency/Floor.java):
# handshakes (h2load: N connections, one request each: its "time for connect") and the cost per
# record (the floor's CPU per request over one h2 connection, 8 streams, no rate), alternately, ROUNDS times.
#   bench/latency/tls.sh      # after bench/latency/run.sh built $HM_WORK/new; about 3 minutes
# Needs io.netty:netty-tcnative-boringssl-static:2.0.74.Final (linux-x86_64) and netty-tcnative-classes in ~/.m2.
source "$(dirname "$0")/../lib.sh"
OUT=${OUT:-$RESULTS/tls}
mkdir -p "$OUT"
JAVA=${JAVA:-$JAVA17}
APP=$HM_WORK/new/src/target/quarkus-app
CERTS=$HM_WORK/new/src/target/dev-certs
ROUNDS=${ROUNDS:-3}
COMPLIANT=$FIXTURES/deployment-create-compliant.json
TCN=$HOME/.m2/repository/io/netty
echo '{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","response":{"uid":"x","allowed":true}}' > "$OUT/answer.json"
machine_info > "$OUT/machine.txt"
declare -A PID PORT=([jsse]=8447 [openssl]=8448)
for engine in jsse openssl; do
  "$JAVA" -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$APP/lib/main/*:$APP/lib/boot/*:$TCN/netty-tcnative-boringssl-static/2.0.74.Final/netty-tcnative-boringssl-static-2.0.74.Final-linux-x86_64.jar:$TCN/netty-tcnative-classes/2.0.74.Final/netty-tcnative-classes-2.0.74.Final.jar" \
    "$BENCH_DIR/latency/Floor.java" "${PORT[$engine]}" "$CERTS/tls.crt" "$CERTS/tls.key" "$OUT/answer.json" "$engine" > "$OUT/$engine.log" 2>&1 &
  PID[$engine]=$!
done
trap 'kill "${PID[jsse]}" "${PID[openssl]}" 2>/dev/null' EXIT
for engine in jsse openssl; do
  for _ in $(seq 1 300); do grep -q 'floor listening' "$OUT/$engine.log" && break; sleep 0.1; done
  grep -q "floor listening .* with $([[ $engine == jsse ]] && echo JSSE || echo OpenSSL)" "$OUT/$engine.log" || { cat "$OUT/$engine.log" >&2; exit 1; }
done
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
url() { echo "https://localhost:${PORT[$1]}/validate"; }
# Warm-up: both ways.
for engine in jsse openssl; do
  h2load -t1 -c1 -m8 -D10 -d "$COMPLIANT" "$(url $engine)" > /dev/null 2>&1
  h2load -t1 -c200 -n200 -m1 -d "$COMPLIANT" "$(url $engine)" > /dev/null 2>&1
done
: > "$OUT/summary.txt"
for round in $(seq 1 "$ROUNDS"); do
  for engine in jsse openssl; do
    before=$(cpu_ticks "${PID[$engine]}")
    h2load -t1 -c500 -n500 -m1 -d "$COMPLIANT" "$(url $engine)" > "$OUT/handshake-$engine-$round.txt" 2>&1
    after=$(cpu_ticks "${PID[$engine]}")
    connect=$(grep 'time for connect' "$OUT/handshake-$engine-$round.txt" | tr -s ' ')
    echo "round $round $engine handshakes: 500 connections, server CPU $(( (after - before) * 10000 / 500 )) us per connection+request; $connect" | tee -a "$OUT/summary.txt"
    before=$(cpu_ticks "${PID[$engine]}")
    h2load -t1 -c1 -m8 -D10 -d "$COMPLIANT" "$(url $engine)" > "$OUT/records-$engine-$round.txt" 2>&1
    after=$(cpu_ticks "${PID[$engine]}")
    n=$(grep -oE '[0-9]+ succeeded' "$OUT/records-$engine-$round.txt" | grep -oE '[0-9]+')
    echo "round $round $engine one connection, 8 streams, 10 s: $n requests, server CPU $(awk -v t=$((after - before)) -v n="$n" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.1f", t / hz * 1e6 / n}') us per request" | tee -a "$OUT/summary.txt"
  done
done
echo "load average after: $(cat /proc/loadavg)" >> "$OUT/machine.txt"
