import dev.harbormaster.bench.Requests;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.engine.*;
import dev.harbormaster.policy.*;
/**
 * The pack's per-policy costs (Engine.costs, the budget's units) on bench cases: whether two builds charge
 * the budget alike. Build and run as bench/perf/EngineAlloc.java says: java -cp ... Costs deployment pod
 */
public class Costs {
  public static void main(String[] a) throws Exception {
    PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
    Engine engine = new Engine(Engine.Mode.ENFORCE);
    for (String c : a) engine.costs(Requests.input(c), pack, Requests.cluster(c)).forEach((p, cost) -> System.out.printf("%-12s %-26s total %6d peak %6d%n", c, p, cost.total(), cost.peakExpression()));
  }
}
