#!/usr/bin/env bash
# p99 one stream at 200/s: the pack server under two JVM option sets, alternately.
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; W=/tmp/hm-do/new/src; F=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
OUT=${OUT:-/tmp/gcab}; mkdir -p $OUT
for round in 1 2 3; do
 for side in A B; do
  if [ $side = A ]; then OPTS="${A_OPTS:-}"; else OPTS="${B_OPTS:-}"; fi
  $J --sun-misc-unsafe-memory-access=allow $OPTS -Xlog:gc:file=$OUT/gc-$round-$side.log -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=8443 -Dquarkus.management.port=9000 -Dharbormaster.cluster.enabled=false -jar $W/target/quarkus-app/quarkus-run.jar > $OUT/srv-$round-$side.log 2>&1 &
  pid=$!; sleep 7
  h2load -t1 -c1 -m1 --rps=200 -D30 -H 'Content-Type: application/json' -d $F https://localhost:8443/validate > /dev/null 2>&1
  n0=$(grep -c Pause $OUT/gc-$round-$side.log)
  h2load -t1 -c1 -m1 --rps=200 -D20 --log-file=$OUT/req-$round-$side.log -H 'Content-Type: application/json' -d $F https://localhost:8443/validate > $OUT/h2-$round-$side.txt 2>&1
  n1=$(grep -c Pause $OUT/gc-$round-$side.log)
  kill $pid; wait $pid 2>/dev/null
  python3 - "$OUT/req-$round-$side.log" "$round $side gcs=$((n1-n0))" <<'PY'
import sys
lat=sorted(int(l.split()[2]) for l in open(sys.argv[1]) if l.strip())
n=len(lat); p=lambda q: lat[min(n-1,int(q*n))]
print(sys.argv[2], 'n', n, 'p50', p(.5), 'p90', p(.9), 'p99', p(.99), 'p99.9', p(.999))
PY
 done
done
