#!/usr/bin/env bash
# one h2 connection, 64 streams, unpaced: three builds alternately
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java; C=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
declare -A APP=([rest]=/tmp/hm-ab/a/src [routes]=/tmp/hm-lazy/base/src [lazy]=/tmp/hm-ab/b/src) PORT=([rest]=8481 [routes]=8482 [lazy]=8483) PID
for s in rest routes lazy; do
  W=${APP[$s]}; p=${PORT[$s]}
  $J --sun-misc-unsafe-memory-access=allow -Xms512m -Xmx512m -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=$p -Dquarkus.management.port=$((p+1000)) -Dharbormaster.cluster.enabled=false -Dquarkus.log.category.\"harbormaster.decision\".level=OFF -jar $W/target/quarkus-app/quarkus-run.jar > $s.log 2>&1 &
  PID[$s]=$!
done
for s in rest routes lazy; do until curl -s -o /dev/null http://localhost:$((PORT[$s]+1000))/q/health/ready; do sleep 0.3; done; done
for s in rest routes lazy; do h2load -t1 -c1 -m64 -D20 -H 'Content-Type: application/json' -d $C https://localhost:${PORT[$s]}/validate > warm.$s.txt 2>&1; done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
for r in 1 2 3 4; do for s in rest routes lazy; do
  b=$(cpu ${PID[$s]}); h2load -t1 -c1 -m64 -D10 -H 'Content-Type: application/json' -d $C https://localhost:${PORT[$s]}/validate > r$r.$s.txt 2>&1; a=$(cpu ${PID[$s]})
  n=$(grep -o '[0-9]* succeeded' r$r.$s.txt | cut -d' ' -f1)
  echo "$r $s $(grep -o '[0-9.]* req/s' r$r.$s.txt | head -1) cpu_us_per_req=$(( (a-b)*10000/n ))"
done; done
kill ${PID[@]}
