package dev.harbormaster.bench;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.util.ArrayList;
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
 * What loading costs: parse and compile N policies (YAML text already in memory, as after the
 * directory is read) with the loader the server uses. Single shot: each iteration is one load.
 * {@code load}: a first load, every expression compiled (a new loader each time; "cold" is the
 * first iteration of a fresh JVM, what the server's start pays). {@code reloadOneChanged}: the
 * server's reload after one policy of the N changed (the loader reuses the programs in force).
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

    /** "distinct": no two copies share an expression text (each is compiled); "shared": copies share them (compiled once). */
    @Param({"distinct", "shared"})
    public String expressions;

    private static final String CHANGING = """
            ---
            apiVersion: harbormaster.dev/v1alpha1
            kind: ValidatingPolicy
            metadata: {name: changing}
            spec:
              validationActions: [Deny]
              matchConstraints:
                resourceRules:
                - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
              validations:
              - expression: "object.metadata.name != 'edit-%d'"
            """;

    List<PolicySource> sources;
    CelEnvironment cel;
    PolicyLoader reloader;
    int edits;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        sources = PolicyCopies.sources(policies, true, expressions.equals("distinct"));
        cel = new CelEnvironment();
        reloader = new PolicyLoader(cel);
        reloader.load(edited(), "copies");
    }

    @Benchmark
    public PolicySet load() throws Exception {
        return checked(new PolicyLoader(cel).load(sources, "copies"), policies);
    }

    @Benchmark
    public PolicySet reloadOneChanged() throws Exception {
        return checked(reloader.load(edited(), "copies"), policies + 1);
    }

    /** The copies and one more policy whose expression differs at every call. */
    private List<PolicySource> edited() {
        List<PolicySource> edited = new ArrayList<>(sources);
        edited.add(new PolicySource("copies/changing.yaml", CHANGING.formatted(++edits)));
        return edited;
    }

    private static PolicySet checked(PolicySet set, int expected) {
        if (set.size() != expected) {
            throw new IllegalStateException("loaded " + set.size() + ", expected " + expected);
        }
        return set;
    }
}
