import dev.harbormaster.cel.*;
import dev.cel.common.types.SimpleType;
import java.lang.management.ManagementFactory;
import java.util.*;
/**
 * Allocation and CPU per evaluation of single expressions (arguments) over a three-container object: what a
 * form of expression costs in cel-java's interpreter. Build and run as bench/perf/EngineAlloc.java says.
 */
public class ExprAlloc {
  public static void main(String[] a) throws Exception {
    CelEnvironment env = new CelEnvironment();
    Map<String,Object> probe = new LinkedHashMap<>(Map.of("httpGet", Map.of("path", "/h", "port", 8080L), "periodSeconds", 10L));
    List<Object> cs = new ArrayList<>();
    for (int i = 0; i < 3; i++) { Map<String,Object> c = new LinkedHashMap<>(); c.put("name", "c" + i); c.put("image", "nginx:1.2"); if (i < 2) c.put("livenessProbe", probe); c.put("readinessProbe", probe); cs.add(c); }
    Map<String,Object> obj = Map.of("spec", Map.of("containers", cs));
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    for (String e : a) {
      CelExpression x = env.compile(e, SimpleType.DYN);
      dev.cel.runtime.CelVariableResolver r = n -> n.equals("object") ? Optional.of(obj) : Optional.empty();
      int n = 20000;
      for (int i = 0; i < n; i++) x.eval(r, Budget.start(EvaluationLimits.DEFAULT));
      long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
      Object last = null;
      for (int i = 0; i < n; i++) last = x.eval(r, Budget.start(EvaluationLimits.DEFAULT));
      long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
      System.out.printf("%7d B %6.2f us  %s  => %s%n", (b1 - b0) / n, (c1 - c0) / 1e3 / n, e, String.valueOf(last).substring(0, Math.min(60, String.valueOf(last).length())));
    }
  }
}
