package dev.harbormaster.bench;

import dev.harbormaster.admission.AdmissionReviewCodec;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.locks.LockSupport;

/**
 * Engine latency per call, wall clock and thread CPU time, on a shared machine. JMH's sample mode
 * measures wall time, so on a machine where other processes take the cores its p99 reports the
 * scheduler as much as the engine; the thread's CPU time per call (CLOCK_THREAD_CPUTIME_ID) does
 * not count the time the thread waited for a core, nor GC pauses (GC threads' time), and so gives
 * the engine's own cost. Both are printed, with the GC time of the run.
 *
 * With a pause, the thread sleeps that long between measured calls, as a server does between requests
 * at a low rate: the call then starts with colder caches, which a hot loop never shows.
 *
 * <pre>java -cp benchmarks.jar dev.harbormaster.bench.LatencyHarness [request] [calls] [warm-up seconds] [evaluate|mutate|request-path] [pause µs]</pre>
 */
public final class LatencyHarness {

    private LatencyHarness() {
    }

    public static void main(String[] args) throws Exception {
        String request = args.length > 0 ? args[0] : "deployment";
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 50_000;
        int warmupSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 15;
        String what = args.length > 3 ? args[3] : "evaluate";
        long pauseNanos = args.length > 4 ? Long.parseLong(args[4]) * 1_000 : 0;
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
        Engine engine = new Engine(Engine.Mode.ENFORCE);
        byte[] body = Requests.body(request);
        AdmissionInput input = Requests.input(request);
        ClusterView cluster = Requests.cluster(request);
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sink = 0;
        long warmupEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
        while (System.nanoTime() < warmupEnd) {
            sink += call(what, engine, pack, cluster, input, body);
        }
        long[] wall = new long[calls];
        long[] cpu = new long[calls];
        long gcBefore = gcMillis();
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            if (pauseNanos > 0) {
                LockSupport.parkNanos(pauseNanos);
            }
            long c0 = threads.getCurrentThreadCpuTime();
            long w0 = System.nanoTime();
            sink += call(what, engine, pack, cluster, input, body);
            wall[i] = System.nanoTime() - w0;
            cpu[i] = threads.getCurrentThreadCpuTime() - c0;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long gc = gcMillis() - gcBefore;
        Arrays.sort(wall);
        Arrays.sort(cpu);
        System.out.printf(Locale.ROOT, "RESULT {\"request\":\"%s\",\"what\":\"%s\",\"pause_us\":%d,\"calls\":%d,\"seconds\":%.2f,\"gc_ms\":%d,%s,%s,\"sink\":%d}%n",
                request, what, pauseNanos / 1_000, calls, seconds, gc, percentiles("wall", wall), percentiles("cpu", cpu), sink % 2);
    }

    private static long call(String what, Engine engine, PolicySet pack, ClusterView cluster, AdmissionInput input, byte[] body)
            throws Exception {
        switch (what) {
            case "evaluate" -> {
                return engine.evaluate(input, pack, cluster).results().size();
            }
            case "mutate" -> {
                return engine.mutate(input, pack, cluster).results().size();
            }
            case "request-path" -> {
                AdmissionInput decoded = AdmissionReviewCodec.decode(body);
                Verdict verdict = engine.evaluate(decoded, pack, cluster);
                return AdmissionReviewCodec.encode(decoded.uid(), verdict).length;
            }
            default -> throw new IllegalArgumentException(what);
        }
    }

    private static String percentiles(String name, long[] sorted) {
        double mean = Arrays.stream(sorted).average().orElse(0) / 1000.0;
        return String.format(Locale.ROOT, "\"%s_mean_us\":%.1f,\"%s_p50_us\":%.1f,\"%s_p90_us\":%.1f,\"%s_p99_us\":%.1f,\"%s_p999_us\":%.1f,\"%s_max_us\":%.1f",
                name, mean, name, at(sorted, 50), name, at(sorted, 90), name, at(sorted, 99), name, at(sorted, 99.9), name,
                sorted[sorted.length - 1] / 1000.0);
    }

    private static double at(long[] sorted, double percentile) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(percentile / 100.0 * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1000.0;
    }

    private static long gcMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(GarbageCollectorMXBean::getCollectionTime).sum();
    }
}
