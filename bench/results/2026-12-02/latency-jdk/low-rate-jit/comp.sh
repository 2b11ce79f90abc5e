#!/usr/bin/env bash
# Low-rate JIT activity: warm with 30 s of 8 streams, then 200/s one stream for 30 s; what compiles when.
W=/work/main
C=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
START=$(date +%s%3N); java -XX:+UnlockDiagnosticVMOptions -XX:+PrintCompilation -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=8447 -Dquarkus.management.port=9004 -Dharbormaster.cluster.enabled=false "$@" -jar $W/target/quarkus-app/quarkus-run.jar > server.log 2>&1 &
pid=$!
until curl -s -o /dev/null http://localhost:9004/q/health/ready; do sleep 0.2; done
h2load -t1 -c1 -m8 -D30 -H 'Content-Type: application/json' -d $C https://localhost:8447/validate > warm.txt 2>&1
LOW0=$(( $(date +%s%3N) - START ))
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
h2load -t1 -c1 -m1 --rps=200 -D30 -H 'Content-Type: application/json' -d $C --log-file=low.log https://localhost:8447/validate > low.txt 2>&1
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
LOW1=$(( $(date +%s%3N) - START )); echo "$LOW0 $LOW1" > window.txt
echo "cpu ticks during low rate: $((t1-t0))" > cpu.txt
kill $pid; wait $pid
