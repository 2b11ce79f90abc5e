package dev.harbormaster.bench;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import java.time.Instant;
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
 * Where the engine's time goes on the typical Deployment: Engine.evaluate with a set holding one
 * policy of the default pack at a time (the policies that apply to a Deployment CREATE).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PerPolicyBench {

    @Param({"disallow-latest-tag", "image-pull-policy", "pdb-sanity", "probe-sanity", "require-pdb-on-create",
            "require-probes", "termination-budget"})
    public String policy;

    Engine engine;
    PolicySet set;
    AdmissionInput input;
    ClusterView cluster;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
        CompiledPolicy one = pack.validating().stream().filter(p -> p.name().equals(policy)).findFirst().orElseThrow();
        set = new PolicySet(List.of(one), List.of(), policy, Instant.now());
        engine = new Engine(Engine.Mode.ENFORCE);
        input = Requests.input("deployment");
        cluster = Requests.cluster("deployment");
        Verdict verdict = engine.evaluate(input, set, cluster);
        if (verdict.results().size() != 1 || !verdict.allowed()) {
            throw new IllegalStateException(policy + ": " + verdict);
        }
    }

    @Benchmark
    public Verdict evaluate() {
        return engine.evaluate(input, set, cluster);
    }
}
