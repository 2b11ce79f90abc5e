/**
 * Allocation and thread-CPU time per AdmissionReviewCodec.decode of one body, three ways in turn: the
 * objects left undecoded (what a request no policy matches costs), skipped then decoded on demand, and
 * decoded in the pass (the hint). 20,000 calls a round, three rounds; with a pause in µs as the second
 * argument, each call follows a pause (as at a low rate) and the p50 of the calls' thread CPU is printed.
 *   CP="target/classes:target/test-classes:target/quarkus-app/lib/main/*:target/quarkus-app/lib/boot/*"
 *   javac -d /tmp/ea -cp "$CP" bench/perf/DecodeCost.java && java -cp "/tmp/ea:$CP" DecodeCost ../shared/fixtures/admission-reviews/deployment-create-compliant.json [PAUSE_US]
 */
import dev.harbormaster.admission.AdmissionReviewCodec;
import java.lang.management.ManagementFactory;
import java.nio.file.*;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
public class DecodeCost {
  interface Way { Object run(byte[] body); }
  public static void main(String[] a) throws Exception {
    byte[] body = Files.readAllBytes(Path.of(a[0]));
    long pauseNs = a.length > 1 ? Long.parseLong(a[1]) * 1000 : 0;
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long tid = Thread.currentThread().getId(); int n = pauseNs > 0 ? 2000 : 20000; Object sink = null;
    String[] names = {"undecoded", "skip+decode", "in-pass"};
    Way[] ways = {b -> AdmissionReviewCodec.decode(b), b -> AdmissionReviewCodec.withObjectsDecoded(AdmissionReviewCodec.decode(b)),
        b -> AdmissionReviewCodec.decode(b, head -> true)};
    for (int r = 0; r < 3; r++) {
      for (int w = 0; w < ways.length; w++) {
        for (int i = 0; i < n; i++) sink = ways[w].run(body);
        long[] each = new long[n];
        long b0 = mx.getThreadAllocatedBytes(tid), c0 = mx.getCurrentThreadCpuTime();
        for (int i = 0; i < n; i++) {
          if (pauseNs > 0) LockSupport.parkNanos(pauseNs);
          long t = mx.getCurrentThreadCpuTime();
          sink = ways[w].run(body);
          each[i] = mx.getCurrentThreadCpuTime() - t;
        }
        long b1 = mx.getThreadAllocatedBytes(tid), c1 = mx.getCurrentThreadCpuTime();
        Arrays.sort(each);
        System.out.printf("%-12s %d B/op, %.1f us/op, p50 %.1f us%n", names[w], (b1 - b0) / n,
            pauseNs > 0 ? Double.NaN : (c1 - c0) / 1e3 / n, each[n / 2] / 1e3);
      }
    }
    System.out.println(sink.hashCode() != 0);
  }
}
