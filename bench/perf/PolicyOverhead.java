import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.engine.*;
import dev.harbormaster.admission.AdmissionReviewCodec;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.policy.*;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.*;
import java.util.concurrent.locks.LockSupport;
/**
 * What the engine costs per policy besides CEL: N trivial validating policies (one validation, `true`, matching
 * Deployments) on the captured compliant Deployment, thread-CPU p50/p90 hot and after a 5 ms pause, N = 0, 1, 13.
 *   CP=target/classes:$(./mvnw -o -q dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeScope=runtime)
 *   javac -d /tmp/po -cp "$CP" bench/perf/PolicyOverhead.java && java -cp "/tmp/po:$CP" PolicyOverhead ../shared/fixtures/admission-reviews/deployment-create-compliant.json
 */
public class PolicyOverhead {
  public static void main(String[] a) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(a[0]));
    AdmissionInput input = AdmissionReviewCodec.withObjectsDecoded(AdmissionReviewCodec.decode(body));
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Engine engine = new Engine(Engine.Mode.ENFORCE);
    var cluster = new StaticClusterView(List.of(), "v1.34.0");
    for (int round = 0; round < 2; round++)
    for (int n : new int[]{0, 1, 13}) {
      StringBuilder docs = new StringBuilder();
      for (int i = 0; i < n; i++) docs.append("---\napiVersion: harbormaster.dev/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: t" + i + "}\nspec:\n  validationActions: [Deny]\n  matchConstraints:\n    resourceRules:\n    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}\n  validations:\n  - expression: 'true'\n");
      PolicySet set = n == 0 ? new PolicyLoader(new CelEnvironment()).load(List.of(), "none") : new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("t.yaml", docs.toString())), "t");
      for (long pause : new long[]{0, 5_000_000}) {
        int calls = pause == 0 ? 20000 : 2000;
        for (int i = 0; i < 20000; i++) engine.evaluate(input, set, cluster);
        long[] cpu = new long[calls];
        for (int i = 0; i < calls; i++) {
          if (pause > 0) LockSupport.parkNanos(pause);
          long t = mx.getCurrentThreadCpuTime();
          engine.evaluate(input, set, cluster);
          cpu[i] = mx.getCurrentThreadCpuTime() - t;
        }
        Arrays.sort(cpu);
        System.out.printf("%2d trivial policies, pause %d ms: p50 %.1f us, p90 %.1f%n", n, pause / 1_000_000, cpu[calls / 2] / 1e3, cpu[calls * 9 / 10] / 1e3);
      }
    }
  }
}
