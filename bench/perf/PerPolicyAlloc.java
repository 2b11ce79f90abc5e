import dev.harbormaster.bench.Requests;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.*;
import dev.harbormaster.policy.*;
import java.lang.management.ManagementFactory;
import java.util.*;
/**
 * Allocation and thread-CPU time per Engine.evaluate for the whole pack, no policy, and each validating
 * policy alone: which policies the engine's bytes go to. Build and run as bench/perf/EngineAlloc.java says.
 */
public class PerPolicyAlloc {
  public static void main(String[] a) throws Exception {
    PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
    Engine engine = new Engine(Engine.Mode.ENFORCE);
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    int n = Integer.getInteger("n", 5000);
    for (String c : a) {
      AdmissionInput input = Requests.input(c);
      ClusterView cluster = Requests.cluster(c);
      List<Object[]> sets = new ArrayList<>();
      sets.add(new Object[]{"(all)", pack});
      sets.add(new Object[]{"(none)", pack.with(List.of(), List.of())});
      for (CompiledPolicy p : pack.validating()) sets.add(new Object[]{p.name(), pack.with(List.of(p), List.of())});
      for (Object[] s : sets) {
        PolicySet set = (PolicySet) s[1];
        for (int i = 0; i < n; i++) engine.evaluate(input, set, cluster);
        long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) engine.evaluate(input, set, cluster);
        long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
        System.out.printf("%-12s %-28s alloc %7d B/op  cpu %6.1f us/op%n", c, s[0], (b1 - b0) / n, (c1 - c0) / 1e3 / n);
      }
    }
  }
}
