package dev.harbormaster.bench;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.EvaluationLimits;
import java.util.LinkedHashMap;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Why probe-sanity costs half of the engine's time on a Deployment: each of its variables
 * evaluated on its own (with {@code variables.containers} inlined) on the typical Deployment,
 * through Harbormaster's CelEnvironment and CelExpression, plus two rewrites of the costly ones
 * that give the same result.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class ProbeSanityBench {

    static final String CONTAINERS = "(workload.containers(object) + workload.initContainers(object).filter(c, c.?restartPolicy.orValue('') == 'Always'))";
    static final Map<String, String> EXPRESSIONS = new LinkedHashMap<>();

    static {
        EXPRESSIONS.put("containers", CONTAINERS);
        EXPRESSIONS.put("liveness", CONTAINERS + ".filter(c, has(c.livenessProbe))");
        EXPRESSIONS.put("flappy", CONTAINERS + ".filter(c, has(c.livenessProbe)).filter(c, c.livenessProbe.?failureThreshold.orValue(3) < 3)");
        EXPRESSIONS.put("slowStart", CONTAINERS + ".filter(c, has(c.livenessProbe)).filter(c, !has(c.startupProbe) &&"
                + " c.livenessProbe.?initialDelaySeconds.orValue(0) > 30)");
        EXPRESSIONS.put("sameAsReadiness", CONTAINERS + ".filter(c, has(c.livenessProbe)).filter(c, has(c.readinessProbe)"
                + " && c.livenessProbe == c.readinessProbe && !has(c.livenessProbe.tcpSocket))");
        EXPRESSIONS.put("slowTimeouts", CONTAINERS + ".filter(c, ['livenessProbe', 'readinessProbe', 'startupProbe'].exists(p, p in c &&"
                + " c[p].?timeoutSeconds.orValue(1) >= c[p].?periodSeconds.orValue(10)))");
        // The same result written without a list literal and dynamic keys inside the comprehension.
        EXPRESSIONS.put("slowTimeouts-rewritten", CONTAINERS + ".filter(c,"
                + " (has(c.livenessProbe) && c.livenessProbe.?timeoutSeconds.orValue(1) >= c.livenessProbe.?periodSeconds.orValue(10)) ||"
                + " (has(c.readinessProbe) && c.readinessProbe.?timeoutSeconds.orValue(1) >= c.readinessProbe.?periodSeconds.orValue(10)) ||"
                + " (has(c.startupProbe) && c.startupProbe.?timeoutSeconds.orValue(1) >= c.startupProbe.?periodSeconds.orValue(10)))");
        // sameAsReadiness with the cheap tests first, so the deep map comparison runs only when the handlers are alike.
        EXPRESSIONS.put("sameAsReadiness-rewritten", CONTAINERS + ".filter(c, has(c.livenessProbe) && has(c.readinessProbe)"
                + " && !has(c.livenessProbe.tcpSocket) && c.livenessProbe.?httpGet == c.readinessProbe.?httpGet"
                + " && c.livenessProbe == c.readinessProbe)");
    }

    @Param({"containers", "liveness", "flappy", "slowStart", "sameAsReadiness", "slowTimeouts", "slowTimeouts-rewritten",
            "sameAsReadiness-rewritten"})
    public String variable;

    CelExpression expression;
    CelVariableResolver variables;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        expression = new CelEnvironment().compile(EXPRESSIONS.get(variable), SimpleType.DYN);
        Map<String, Object> object = Requests.input("deployment").object();
        variables = name -> name.equals("object") ? Optional.of(object) : Optional.empty();
        System.out.println("\n# " + variable + " = " + expression.eval(variables, Budget.start(EvaluationLimits.DEFAULT)));
    }

    @Benchmark
    public Object eval() {
        // A fresh budget per call, as the engine starts one per request.
        return expression.eval(variables, Budget.start(EvaluationLimits.DEFAULT));
    }
}
