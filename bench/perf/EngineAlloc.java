import dev.harbormaster.bench.Requests;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.*;
import dev.harbormaster.policy.*;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
/**
 * Allocation and thread-CPU time per Engine.evaluate, with wall-time p50/p99, for benchmark cases of
 * bench/jmh (Requests): deterministic allocation figures for a before/after of the engine on a busy machine.
 *
 *   CP=target/classes:$(./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
 *   javac -d /tmp/ea -cp "$CP" bench/perf/EngineAlloc.java bench/jmh/src/main/java/dev/harbormaster/bench/Requests.java
 *   java -Xmx1g -cp "/tmp/ea:$CP" EngineAlloc deployment deployment-create-compliant pod   # (fixtures/ on the class path for captured cases)
 */
public class EngineAlloc {
  public static void main(String[] a) throws Exception {
    PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
    Engine engine = new Engine(Engine.Mode.ENFORCE);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int n = Integer.getInteger("n", 20000);
    for (String c : a) {
      AdmissionInput input = Requests.input(c);
      ClusterView cluster = Requests.cluster(c);
      for (int i = 0; i < n; i++) engine.evaluate(input, pack, cluster);
      long[] wall = new long[n];
      long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) { long t = System.nanoTime(); engine.evaluate(input, pack, cluster); wall[i] = System.nanoTime() - t; }
      long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
      Arrays.sort(wall);
      System.out.printf("%-30s alloc %7d B/op  cpu %6.1f us/op  wall p50 %6.1f p99 %6.1f us%n", c, (b1 - b0) / n, (c1 - c0) / 1e3 / n, wall[n / 2] / 1e3, wall[n * 99 / 100] / 1e3);
    }
  }
}
