W=/tmp/hm-jdk/new/src
C=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
E=$(mktemp -d)
/usr/lib/jvm/temurin-25-jdk-amd64/bin/java --sun-misc-unsafe-memory-access=allow -XX:+UnlockDiagnosticVMOptions -XX:+PreserveFramePointer -XX:+DumpPerfMapAtExit -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=8451 -Dquarkus.management.port=9011 -Dharbormaster.cluster.enabled=false -Dharbormaster.policies.dir=$E -jar $W/target/quarkus-app/quarkus-run.jar > server.log 2>&1 &
pid=$!
until curl -s -o /dev/null http://localhost:9011/q/health/ready; do sleep 0.2; done
h2load -t1 -c1 -m8 -D25 -H 'Content-Type: application/json' -d $C https://localhost:8451/validate > warm.txt 2>&1
h2load -t1 -c1 -m8 -D25 -H 'Content-Type: application/json' -d $C https://localhost:8451/validate > burst.txt 2>&1 &
sleep 3
perf record -e cpu-clock -F 1999 -g -p $pid -o perf.data -- sleep 18 > /dev/null 2>&1
wait %2 2>/dev/null; sleep 1
kill $pid; wait $pid
