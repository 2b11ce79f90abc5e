/**
 * Allocation and thread-CPU time per AdmissionReviewCodec.decode of one body (20,000 calls a round, three rounds).
 *   CP="target/classes:target/test-classes:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
 *   javac -d /tmp/ea -cp "$CP" bench/perf/DecodeCost.java && java -cp "/tmp/ea:$CP" DecodeCost ../shared/fixtures/admission-reviews/deployment-create-compliant.json
 */
import dev.harbormaster.admission.AdmissionReviewCodec;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
public class DecodeCost {
  public static void main(String[] a) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(a[0]));
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId(); int n = 20000; Object sink = null;
    for (int r = 0; r < 3; r++) {
      for (int i = 0; i < n; i++) sink = AdmissionReviewCodec.decode(body);
      long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) sink = AdmissionReviewCodec.decode(body);
      long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
      System.out.printf("decode: %d B/op, %.1f us/op%n", (b1 - b0) / n, (c1 - c0) / 1e3 / n);
    }
    System.out.println(sink.hashCode() != 0);
  }
}
