#!/usr/bin/env bash
W=/tmp/hm-lat/base/src
C=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
java -XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=8447 -Dquarkus.management.port=9004 -Dharbormaster.cluster.enabled=false -jar $W/target/quarkus-app/quarkus-run.jar > perf-server.log 2>&1 &
pid=$!
until curl -s -o /dev/null http://localhost:9004/q/health/ready; do sleep 0.2; done
h2load -t1 -c1 -m8 -D30 -H 'Content-Type: application/json' -d $C https://localhost:8447/validate > /dev/null 2>&1
h2load -t1 -c1 -m1 --rps=200 -D40 -H 'Content-Type: application/json' -d $C https://localhost:8447/validate > perf-low.txt 2>&1 &
sleep 5
perf record -e cpu-clock -F 999 -g -p $pid -o perf.data -- sleep 25 2> perf-record.err
wait %2 2>/dev/null; sleep 1
kill $pid; wait $pid
