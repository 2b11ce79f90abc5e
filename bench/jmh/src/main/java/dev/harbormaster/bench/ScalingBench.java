package dev.harbormaster.bench;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
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
 * Engine.evaluate of the typical Deployment against N copies of the default rules: copies that
 * match the request (cost should grow linearly) and copies that match only configmaps (cost should
 * stay near-constant: matching is decided before any CEL runs).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ScalingBench {

    @Param({"10", "100", "1000"})
    public int policies;

    @Param({"matching", "nonmatching"})
    public String copies;

    Engine engine;
    PolicySet set;
    AdmissionInput input;
    ClusterView cluster;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        set = new PolicyLoader(new CelEnvironment())
                .load(PolicyCopies.sources(policies, copies.equals("matching")), copies);
        engine = new Engine(Engine.Mode.ENFORCE);
        input = Requests.input("deployment");
        cluster = Requests.cluster("deployment");
        Verdict verdict = engine.evaluate(input, set, cluster);
        int expected = copies.equals("matching") ? policies : 0;
        if (set.validating().size() != policies || verdict.results().size() != expected || !verdict.allowed()) {
            throw new IllegalStateException("expected " + expected + " results of " + policies + " policies, got "
                    + verdict.results().size() + " of " + set.validating().size() + ", allowed " + verdict.allowed());
        }
    }

    @Benchmark
    public Verdict evaluate() {
        return engine.evaluate(input, set, cluster);
    }
}
