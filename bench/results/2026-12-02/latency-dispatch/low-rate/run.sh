#!/usr/bin/env bash
# Low-rate CPU per request: the pack server with and without the decision log, one h2 stream at 200/s.
W=/tmp/hm-lat/base/src
C=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
one() { # name, extra JVM args...
  local name=$1; shift
  java -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=8447 -Dquarkus.management.port=9004 -Dharbormaster.cluster.enabled=false "$@" -jar $W/target/quarkus-app/quarkus-run.jar > $name.log 2>&1 &
  local pid=$!
  until curl -s -o /dev/null http://localhost:9004/q/health/ready; do sleep 0.2; done
  h2load -t1 -c1 -m8 -D30 -H 'Content-Type: application/json' -d $C https://localhost:8447/validate > /dev/null 2>&1   # warm-up
  for r in 1 2; do
    local b=$(cpu $pid)
    h2load -t1 -c1 -m1 --rps=200 -D15 -H 'Content-Type: application/json' -d $C https://localhost:8447/validate > $name.r$r.txt 2>&1
    local a=$(cpu $pid)
    local n=$(grep -o '[0-9]* succeeded' $name.r$r.txt | head -1 | cut -d' ' -f1)
    echo "$name round $r: $(( (a-b) * 10000 / n )) us CPU per request over $n; $(grep 'time for request' $name.r$r.txt)"
  done
  kill $pid; wait $pid 2>/dev/null
}
one default
one nolog '-Dquarkus.log.category."harbormaster.decision".level=OFF'
one default2
one nolog2 '-Dquarkus.log.category."harbormaster.decision".level=OFF'
