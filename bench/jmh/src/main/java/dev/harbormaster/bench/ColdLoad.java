package dev.harbormaster.bench;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Locale;

/**
 * What the server's start pays for its policies, in a fresh JVM: building the CEL environment,
 * reading the bundled pack, parsing and compiling it (cold: no JIT, classes loaded on first use),
 * then the same load again (warm-ish). Run it several times: each run is one fresh JVM.
 *
 * <pre>java -cp benchmarks.jar dev.harbormaster.bench.ColdLoad</pre>
 */
public final class ColdLoad {

    private ColdLoad() {
    }

    public static void main(String[] args) throws Exception {
        long t0 = System.nanoTime();
        CelEnvironment cel = new CelEnvironment();
        long t1 = System.nanoTime();
        List<PolicySource> sources = PolicyLoader.readBundled();
        long t2 = System.nanoTime();
        PolicySet set = new PolicyLoader(cel).load(sources, "pack");
        long t3 = System.nanoTime();
        PolicySet again = new PolicyLoader(cel).load(sources, "pack");
        long t4 = System.nanoTime();
        System.out.printf(Locale.ROOT, "RESULT {\"jvm_uptime_at_main_ms\":%d,\"cel_environment_ms\":%.1f,\"read_bundled_ms\":%.1f,"
                        + "\"first_load_ms\":%.1f,\"second_load_ms\":%.1f,\"policies\":%d}%n",
                ManagementFactory.getRuntimeMXBean().getUptime() - (t4 - t0) / 1_000_000, (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                (t3 - t2) / 1e6, (t4 - t3) / 1e6, set.size() + again.size() * 0);
    }
}
