#!/bin/bash
# after the HTTP A/B: CelTraceBench on both builds (A B), then a JFR profile of NEW's evaluate on the typical Deployment
cd /work/wt-bench
while ! grep -q 'all done' /tmp/hm-bench-chain.log; do sleep 5; done
OUT=bench/results/2026-12-01/jmh-ab
J=/usr/lib/jvm/java-17-openjdk-amd64/bin
for side in a b; do
  [[ $side == a ]] && jar=/tmp/hm-bench-base/src/bench/jmh/target/benchmarks.jar || jar=/tmp/hm-bench-new/src/bench/jmh/target/benchmarks.jar
  echo "celtrace $side $(date +%T) load average: $(cat /proc/loadavg)" >> $OUT/celtrace-loadavg.txt
  $J/java -jar $jar CelTraceBench -f 1 -wi 3 -i 5 -w 2s -r 2s -prof gc > $OUT/celtrace-$side.txt 2>&1
done
for side in b a; do
  [[ $side == a ]] && jar=/tmp/hm-bench-base/src/bench/jmh/target/benchmarks.jar || jar=/tmp/hm-bench-new/src/bench/jmh/target/benchmarks.jar
  rm -rf /tmp/hm-bench-jfr-$side
  echo "jfr $side $(date +%T) load average: $(cat /proc/loadavg)" >> $OUT/celtrace-loadavg.txt
  $J/java -jar $jar 'EngineBench.evaluate' -p request=deployment -f 1 -wi 3 -i 3 -w 2s -r 5s \
    -prof "jfr:dir=/tmp/hm-bench-jfr-$side;configName=profile" > $OUT/jfr-run-$side.txt 2>&1
  rec=$(find /tmp/hm-bench-jfr-$side -name '*.jfr' | head -1)
  JFR=$J/jfr python3 bench/tools/jfr-top.py "$rec" --filter dev.harbormaster --depth 3 --top 40 > $OUT/jfr-evaluate-deployment-$side.txt 2>&1
  cp "$rec" /tmp/hm-bench-evaluate-deployment-$side.jfr
done
echo "after done $(date +%T)"
