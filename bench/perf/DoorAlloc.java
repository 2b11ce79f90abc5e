import dev.harbormaster.admission.InProcessDoors;
import dev.harbormaster.admission.AdmissionReviewCodec;
import dev.harbormaster.policy.*;
import dev.harbormaster.cel.CelEnvironment;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
/**
 * Allocation and thread-CPU time per answer of the /validate door, in process (InProcessDoors, from the test
 * classes), with the pack and with no policy: what a request costs besides the engine.
 *   CP as in EngineAlloc.java; javac -d /tmp/ea -cp "target/classes:target/test-classes:$CP" bench/perf/DoorAlloc.java
 *   java -cp "/tmp/ea:target/classes:target/test-classes:$CP" DoorAlloc ../shared/fixtures/admission-reviews/deployment-create-compliant.json
 */
public class DoorAlloc {
  public static void main(String[] a) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(a[0]));
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId();
    PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
    InProcessDoors doors = new InProcessDoors(pack), empty = new InProcessDoors(pack.with(java.util.List.of(), java.util.List.of()));
    int n = 20000;
    for (Object[] d : new Object[][]{{"pack", doors}, {"empty", empty}}) {
      InProcessDoors door = (InProcessDoors) d[1];
      for (int r = 0; r < 2; r++) {
        for (int i = 0; i < n; i++) door.answer("validate", body);
        long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) door.answer("validate", body);
        long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
        System.out.printf("%s validate: %d B/op, %.1f us/op%n", d[0], (b1 - b0) / n, (c1 - c0) / 1e3 / n);
      }
    }
  }
}
