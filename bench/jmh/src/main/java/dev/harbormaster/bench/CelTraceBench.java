package dev.harbormaster.bench;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelEvaluationListener;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.CelResult;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cel.HarbormasterLibrary;
import dev.harbormaster.cel.KubernetesLibrary;
import dev.harbormaster.cel.KubernetesValueLibrary;
import dev.cel.extensions.CelListsExtensions;
import dev.cel.common.types.CelType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * An experiment behind a hot spot: what the cost meter costs. CelExpression.eval(variables, budget)
 * runs every expression through cel-java's Program.trace with the budget's meter as listener
 * (called once per AST node: 1 per node plus the size of the value it produced, a look at the clock
 * every 256 nodes). The same four rules of the default pack (inlined, no variables) on the typical
 * Deployment: through Harbormaster's CelExpression.eval with a fresh Budget (as one per request),
 * through a Program built the same way with plain eval (no listener), and with trace and a no-op
 * listener. CelExpression's own Program is private, so the Program here is built as CelEnvironment
 * builds its Cel (sameCel below, kept in step with it).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class CelTraceBench {

    static final List<String> RULES = List.of(
            // disallow-latest-tag
            "workload.allContainers(object).filter(c, has(c.image) && !params.exemptImages.exists(p, p.endsWith('*')"
                    + " ? image(c.image).name().startsWith(p.substring(0, p.size() - 1)) : image(c.image).name() == p))"
                    + ".filter(c, image(c.image).isLatest()).size() == 0",
            // require-probes
            "(workload.containers(object) + workload.initContainers(object).filter(c, c.?restartPolicy.orValue('') == 'Always'))"
                    + ".filter(c, !has(c.livenessProbe) || !(has(c.livenessProbe.httpGet) || has(c.livenessProbe.tcpSocket)"
                    + " || has(c.livenessProbe.exec) || has(c.livenessProbe.grpc))).size() == 0",
            // probe-sanity
            "workload.containers(object).filter(c, ['livenessProbe', 'readinessProbe', 'startupProbe'].exists(p, p in c &&"
                    + " c[p].?timeoutSeconds.orValue(1) >= c[p].?periodSeconds.orValue(10))).size() == 0",
            // termination-budget
            "([0] + workload.containers(object).map(c, workload.preStopSleepSeconds(c))).max() + 35 <= "
                    + "workload.podSpec(object).?terminationGracePeriodSeconds.orValue(30)");

    List<CelExpression> harbormaster = new ArrayList<>();
    List<CelRuntime.Program> programs = new ArrayList<>();
    CelVariableResolver variables;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        CelEnvironment environment = new CelEnvironment();
        Cel cel = sameCel();
        Map<String, Object> object = Requests.input("deployment").object();
        Map<String, Object> params = Map.of("exemptImages", List.of());
        variables = name -> switch (name) {
            case "object" -> Optional.of(object);
            case "params" -> Optional.of(params);
            default -> Optional.empty();
        };
        for (String rule : RULES) {
            harbormaster.add(environment.compile(rule, SimpleType.BOOL));
            programs.add(cel.createProgram(cel.compile(rule).getAst()));
            CelResult a = harbormaster.get(harbormaster.size() - 1).eval(variables, Budget.start(EvaluationLimits.DEFAULT));
            Object b = programs.get(programs.size() - 1).eval(variables);
            if (!(a instanceof CelResult.Value value) || !Boolean.TRUE.equals(value.value()) || !value.value().equals(b)) {
                throw new IllegalStateException(rule + " gave " + a + " / " + b);
            }
        }
    }

    /** Built as CelEnvironment builds its Cel (same options, libraries and variables). */
    static Cel sameCel() {
        CelOptions options = CelOptions.current()
                .enableHeterogeneousNumericComparisons(true)
                .enableOptionalSyntax(true)
                .build();
        HarbormasterLibrary harbormaster = new HarbormasterLibrary();
        KubernetesLibrary kubernetes = new KubernetesLibrary();
        KubernetesValueLibrary values = new KubernetesValueLibrary();
        var lists = CelExtensions.lists(CelListsExtensions.Function.SLICE, CelListsExtensions.Function.FLATTEN,
                CelListsExtensions.Function.DISTINCT, CelListsExtensions.Function.REVERSE, CelListsExtensions.Function.SORT);
        var math = CelExtensions.math(options);
        var encoders = CelExtensions.encoders(options);
        CelType cluster = HarbormasterLibrary.CLUSTER;
        return CelFactory.standardCelBuilder()
                .setOptions(options)
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar("object", SimpleType.DYN)
                .addVar("oldObject", SimpleType.DYN)
                .addVar("request", SimpleType.DYN)
                .addVar("params", SimpleType.DYN)
                .addVar("namespaceObject", SimpleType.DYN)
                .addVar("variables", MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar("cluster", cluster)
                .addCompilerLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(),
                        CelExtensions.comprehensions(), lists, CelExtensions.bindings(), math, encoders,
                        harbormaster, kubernetes, values)
                .addRuntimeLibraries(CelExtensions.strings(), CelExtensions.sets(options), CelExtensions.optional(),
                        CelExtensions.comprehensions(), lists, math, encoders,
                        harbormaster, kubernetes, values)
                .build();
    }

    @Benchmark
    public void harbormasterEval(Blackhole bh) {
        Budget budget = Budget.start(EvaluationLimits.DEFAULT);
        for (CelExpression expression : harbormaster) {
            bh.consume(expression.eval(variables, budget));
        }
    }

    @Benchmark
    public void programEval(Blackhole bh) throws Exception {
        for (CelRuntime.Program program : programs) {
            bh.consume(program.eval(variables));
        }
    }

    private static final CelEvaluationListener NOOP = (expr, result) -> { };

    @Benchmark
    public void programTraceNoop(Blackhole bh) throws Exception {
        for (CelRuntime.Program program : programs) {
            bh.consume(program.trace(variables, NOOP));
        }
    }
}
