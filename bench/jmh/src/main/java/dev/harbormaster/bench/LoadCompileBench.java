package dev.harbormaster.bench;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What a reload costs: parse and compile N policies (YAML text already in memory, as after the
 * directory is read) with the loader the server uses. Single shot: each iteration is one load.
 * "cold" is the first load in a fresh JVM (the first iteration of a fork with no warm-up), which
 * is what the server's start pays; "warm" is a reload in a running server.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@Warmup(iterations = 3)
@Measurement(iterations = 10)
public class LoadCompileBench {

    @Param({"10", "100", "1000"})
    public int policies;

    List<PolicySource> sources;
    PolicyLoader loader;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sources = PolicyCopies.sources(policies, true);
        loader = new PolicyLoader(new CelEnvironment(1_000_000));
    }

    @Benchmark
    public PolicySet load() throws Exception {
        PolicySet set = loader.load(sources, "copies");
        if (set.size() != policies) {
            throw new IllegalStateException("loaded " + set.size());
        }
        return set;
    }
}
