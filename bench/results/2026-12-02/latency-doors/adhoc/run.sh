#!/usr/bin/env bash
# ad-hoc: empty server, three doors + floor, one stream at 200/s and burst
W=/tmp/exp; APP=$W/target/quarkus-app; C=/work/shared/fixtures/admission-reviews/deployment-create-compliant.json
J=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java
E=$(mktemp -d)
$J --sun-misc-unsafe-memory-access=allow -Dharbormaster.tls.dir=$W/target/dev-certs -Dquarkus.http.ssl-port=8461 -Dquarkus.management.port=9061 -Dharbormaster.cluster.enabled=false -Dharbormaster.policies.dir=$E -jar $APP/quarkus-run.jar > server.log 2>&1 &
spid=$!
until curl -s -o /dev/null http://localhost:9061/q/health/ready; do sleep 0.2; done
curl -sk --http2 -H 'Content-Type: application/json' --data-binary @$C https://localhost:8461/validate > answer.json
for d in validate-el validate-raw; do curl -sk --http2 -H 'Content-Type: application/json' --data-binary @$C https://localhost:8461/$d; echo; done
$J --sun-misc-unsafe-memory-access=allow -cp "$APP/lib/main/*:$APP/lib/boot/*" /work/main/bench/latency/Floor.java 8462 $W/target/dev-certs/tls.crt $W/target/dev-certs/tls.key answer.json jsse > floor.log 2>&1 &
fpid=$!
sleep 3
url() { [[ $1 == floor ]] && echo https://localhost:8462/validate || echo https://localhost:8461/$1; }
for d in validate validate-el validate-raw floor; do h2load -t1 -c1 -m8 -D20 -H 'Content-Type: application/json' -d $C $(url $d) > warm.$d.txt 2>&1; done
cpu() { awk '{print $14 + $15}' /proc/$1/stat; }
for r in 1 2 3 4; do
 for d in validate validate-el validate-raw floor; do
  p=$spid; [[ $d == floor ]] && p=$fpid
  b=$(cpu $p)
  h2load -t1 -c1 -m1 --rps=200 -D20 -H 'Content-Type: application/json' -d $C --log-file=r$r.$d.log $(url $d) > r$r.$d.txt 2>&1
  a=$(cpu $p)
  echo "$r $d one-stream $(python3 /work/main/bench/http/percentiles.py r$r.$d.log --skip-seconds 1) cpu_ticks=$((a-b))"
  b=$(cpu $p)
  h2load -t1 -c1 -m8 -D8 -H 'Content-Type: application/json' -d $C $(url $d) > b$r.$d.txt 2>&1
  a=$(cpu $p)
  echo "$r $d burst $(grep -o 'finished in.*req/s' b$r.$d.txt) $(grep -o '[0-9]* succeeded' b$r.$d.txt) cpu_ticks=$((a-b))"
 done
done
kill $spid $fpid
