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
 * Engine.evaluate and Engine.mutate with the default pack (bundled in the server jar), on objects
 * of known size; the input is decoded once in setup, so only the engine is timed.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class EngineBench {

    /**
     * pod: 1 container; deployment: 3 containers with probes, resources, preStop (allowed);
     * deployment-denied: the same with :latest images and no probes (messages built);
     * deployment-offline: the same as deployment, without a cluster (the PDB rules warn "could not check");
     * statefulset20: 20 containers; configmap: no policy matches (the fast path);
     * deployment-create-compliant: the captured fixture.
     */
    @Param({"pod", "deployment", "deployment-denied", "deployment-offline", "statefulset20", "configmap",
            "deployment-create-compliant"})
    public String request;

    Engine engine;
    PolicySet pack;
    AdmissionInput input;
    ClusterView cluster;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CelEnvironment cel = new CelEnvironment();
        pack = new PolicyLoader(cel).load(PolicyLoader.readBundled(), "pack");
        engine = new Engine(Engine.Mode.ENFORCE);
        input = Requests.input(request);
        cluster = Requests.cluster(request);
        // The case must be what it says: fail early, not measure the wrong thing.
        Verdict verdict = engine.evaluate(input, pack, cluster);
        boolean expectAllowed = !request.equals("deployment-denied");
        if (verdict.allowed() != expectAllowed) {
            throw new IllegalStateException(request + ": expected allowed=" + expectAllowed + " but got " + verdict);
        }
        if (request.equals("configmap") && !verdict.results().isEmpty()) {
            throw new IllegalStateException("configmap should match no policy: " + verdict.results());
        }
        System.out.println("\n# " + request + ": " + verdict.results().size() + " policy results, warnings " + verdict.warnings()
                + ", mutate: " + engine.mutate(input, pack, cluster).patch());
    }

    @Benchmark
    public Verdict evaluate() {
        return engine.evaluate(input, pack, cluster);
    }

    @Benchmark
    public Verdict mutate() {
        return engine.mutate(input, pack, cluster);
    }
}
