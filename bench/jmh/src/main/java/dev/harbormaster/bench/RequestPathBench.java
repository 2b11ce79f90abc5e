package dev.harbormaster.bench;

import dev.harbormaster.admission.AdmissionReviewCodec;
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
 * What a door does without HTTP: decode the AdmissionReview body, evaluate (or mutate), encode the
 * answer; and decode alone, to show what parsing costs. Bodies are the captured fixtures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class RequestPathBench {

    @Param({"deployment-create-compliant"})
    public String fixture;

    Engine engine;
    PolicySet pack;
    ClusterView cluster;
    byte[] body;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
        engine = new Engine(Engine.Mode.ENFORCE);
        body = Requests.fixture(fixture);
        cluster = Requests.cluster("deployment");
    }

    @Benchmark
    public AdmissionInput decode() throws Exception {
        return AdmissionReviewCodec.decode(body);
    }

    @Benchmark
    public byte[] validate() throws Exception {
        AdmissionInput input = AdmissionReviewCodec.decode(body);
        Verdict verdict = engine.evaluate(input, pack, cluster);
        return AdmissionReviewCodec.encode(input.uid(), verdict);
    }

    @Benchmark
    public byte[] mutate() throws Exception {
        AdmissionInput input = AdmissionReviewCodec.decode(body);
        Verdict verdict = engine.mutate(input, pack, cluster);
        return AdmissionReviewCodec.encode(input.uid(), verdict);
    }
}
