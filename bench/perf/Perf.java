import dev.harbormaster.admission.AdmissionReviewCodec;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.*;
import dev.harbormaster.policy.*;
import java.nio.file.*;
public class Perf {
  public static void main(String[] a) throws Exception {
    PolicySet pack = new PolicyLoader(new CelEnvironment(1_000_000)).load(PolicyLoader.readDirectory(Path.of(System.getProperty("pack"))), "pack");
    Engine engine = new Engine(Engine.Mode.ENFORCE);
    byte[] body = Files.readAllBytes(Path.of("/work/shared/fixtures/admission-reviews/deployment-create-compliant.json"));
    AdmissionInput input = AdmissionReviewCodec.decode(body);
    for (int round = 0; round < 10; round++) {
      long start = System.nanoTime(); int n = 20000;
      for (int i = 0; i < n; i++) engine.evaluate(input, pack, ClusterView.OFFLINE);
      System.out.printf("round %d: %.1f us/op%n", round, (System.nanoTime() - start) / 1000.0 / n);
    }
  }
}
