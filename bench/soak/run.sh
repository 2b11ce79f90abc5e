#!/usr/bin/env bash
# Soak: mixed load for a long time while the policies and the certificate change. One command:
#
#   bench/soak/run.sh            # 10 minutes (SOAK_SECONDS=600)
#
# Starts the packaged server (JDK 17) on a copy of the default pack with reload-interval 1s and the TLS
# files reloaded every 10s, then for SOAK_SECONDS at once:
#   - h2load, ONE h2 connection (as kube-apiserver calls), /validate with the compliant Deployment, 200/s;
#   - h2load over HTTP/1.1, 2 keep-alive connections, /mutate with a Deployment the pack mutates, 2 x 50/s;
#   - a curl loop sending every captured AdmissionReview to both doors (one connection per round);
#   - a loop rewriting a policy file every second (a param alternates, as a ConfigMap update swaps it);
#   - a new serving certificate every 60 s (key and cert written beside and renamed over the old ones);
#   - every 10 s: RSS, open file descriptors, threads, reloads so far -> samples.tsv.
# Expected: no answer >= 500, no failed or timed-out request, RSS and fds flat after warm-up.
# Raw output in bench/results/<date>/soak/.
source "$(dirname "$0")/../lib.sh"
OUT=$RESULTS/soak
RUN_DIR=$OUT
mkdir -p "$OUT"
SOAK_SECONDS=${SOAK_SECONDS:-600}
command -v h2load >/dev/null || { echo "h2load is missing: apt-get install -y nghttp2-client" >&2; exit 1; }

build_server
machine_info > "$OUT/machine.txt"
WORK=$(mktemp -d /tmp/harbormaster-soak.XXXXXX)
mkdir -p "$WORK/policies" "$WORK/tls"
cp "$HM_WORK/src/policies/"*.yaml "$WORK/policies/"
TARGET=$WORK/policies/probe-sanity.yaml
grep -q 'minLivenessFailureThreshold: 3' "$TARGET" || { echo "probe-sanity.yaml has no minLivenessFailureThreshold: 3" >&2; exit 1; }

new_certificate() { # a fresh self-signed certificate, swapped in atomically
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=harbormaster.harbormaster.svc" \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" \
    -keyout "$WORK/tls/.tls.key" -out "$WORK/tls/.tls.crt" 2>/dev/null
  mv "$WORK/tls/.tls.key" "$WORK/tls/tls.key"
  mv "$WORK/tls/.tls.crt" "$WORK/tls/tls.crt"
}
new_certificate

# Ports of its own (another benchmark may hold 8443/9000 on this machine).
export HTTPS_PORT=${HTTPS_PORT:-18443} MGMT_PORT=${MGMT_PORT:-19000}
start_server server "$JAVA17" -Dharbormaster.tls.dir="$WORK/tls" -Dquarkus.tls.webhook.reload-period=10s \
  -Dharbormaster.policies.dir="$WORK/policies" -Dharbormaster.policies.reload-interval=1s -Xmx512m
PID=$SERVER_PID
BACKGROUND=()
cleanup() { kill "${BACKGROUND[@]}" 2>/dev/null || true; stop_server "$PID"; rm -rf "$WORK"; }
trap cleanup EXIT
wait_ready "$MGMT_PORT" 120 > /dev/null
sleep 2
kill -0 "$PID" 2>/dev/null || { echo "the server did not start: see $OUT/server.log" >&2; exit 1; }
log "server ready (pid $PID); soaking for ${SOAK_SECONDS}s"

h2load -c1 -m1 --rps 200 -D "$SOAK_SECONDS" -d "$FIXTURES/deployment-create-compliant.json" \
  -H 'Content-Type: application/json' https://localhost:$HTTPS_PORT/validate > "$OUT/h2load-h2.txt" 2>&1 &
H2=$!
h2load --h1 -c2 -m1 --rps 50 -D "$SOAK_SECONDS" -d "$FIXTURES/deployment-create-no-probes-no-pdb.json" \
  -H 'Content-Type: application/json' https://localhost:$HTTPS_PORT/mutate > "$OUT/h2load-h1.txt" 2>&1 &
H1=$!
END=$(( $(date +%s) + SOAK_SECONDS ))

( # every captured review through both doors, round after round; one line per answer that is not 200
  rounds=0
  while (( $(date +%s) < END )); do
    args=()
    for f in "$FIXTURES"/*.json; do
      for door in validate mutate; do
        args+=(--next -sk -o /dev/null -w "%{http_code} $door $(basename "$f")\n" -H 'Content-Type: application/json'
               --data-binary "@$f" "https://localhost:$HTTPS_PORT/$door")
      done
    done
    curl "${args[@]:1}" | grep -v '^200 ' || true
    rounds=$((rounds + 1))
    sleep 1
  done
  echo "rounds $rounds"
) > "$OUT/captured.txt" 2>&1 &
BACKGROUND+=($!)

( # a policy rewritten every second
  value=4
  while (( $(date +%s) < END )); do
    sed "s/minLivenessFailureThreshold: [0-9]*/minLivenessFailureThreshold: $value/" "$TARGET" > "$WORK/policies/.next"
    mv "$WORK/policies/.next" "$TARGET"
    value=$(( value == 4 ? 3 : 4 ))
    sleep 1
  done
) &
BACKGROUND+=($!)

( # a new certificate every minute
  while (( $(date +%s) + 60 < END )); do sleep 60; new_certificate; echo "$(date +%T) rotated"; done
) > "$OUT/rotations.txt" 2>&1 &
BACKGROUND+=($!)

printf 'seconds\trss_kb\tfds\tthreads\treloads\n' > "$OUT/samples.tsv"
START=$(date +%s)
while kill -0 "$H2" 2>/dev/null || kill -0 "$H1" 2>/dev/null; do
  kill -0 "$PID" 2>/dev/null || { echo "the server died: see $OUT/server.log" >&2; exit 1; }
  printf '%s\t%s\t%s\t%s\t%s\n' $(( $(date +%s) - START )) "$(rss_kb "$PID")" "$(ls "/proc/$PID/fd" | wc -l)" \
    "$(awk '/Threads/ {print $2}' "/proc/$PID/status")" "$(grep -c 'reloaded' "$OUT/server.log" || true)" >> "$OUT/samples.tsv"
  sleep 10
done
wait "${BACKGROUND[@]}" 2>/dev/null || true
trim_logs "$OUT"

summary() { # file: requests, 2xx, 5xx, failed, timeouts from h2load's summary
  awk '/^requests:/ {t=$2; s=$8; f=$10; e=$12; to=$14} /^status codes:/ {ok=$3; c5=$9}
       END {printf "{\"requests\":%s,\"succeeded\":%s,\"failed\":%s,\"errored\":%s,\"timeout\":%s,\"2xx\":%s,\"5xx\":%s}", t, s, f, e, to, ok, c5}' "$1"
}
{
  echo "{\"run\":\"h2 one connection /validate 200/s\",$(summary "$OUT/h2load-h2.txt" | cut -c2-)"
  echo "{\"run\":\"http/1.1 2 connections /mutate 2x50/s\",$(summary "$OUT/h2load-h1.txt" | cut -c2-)"
  echo "{\"run\":\"captured reviews, both doors\",\"not200\":$(grep -vc '^rounds' "$OUT/captured.txt" || true),\"$(grep '^rounds' "$OUT/captured.txt" | tr ' ' '"' | sed 's/"/":/')}"
  echo "{\"run\":\"changes\",\"reloads\":$(grep -c 'reloaded' "$OUT/server.log" || true),\"rotations\":$(grep -c rotated "$OUT/rotations.txt" || true),\"certificateChanges\":$(grep -c 'reloaded with a new certificate' "$OUT/server.log" || true)}"
} | tee "$OUT/summary.jsonl" >&2
column -t "$OUT/samples.tsv" >&2
