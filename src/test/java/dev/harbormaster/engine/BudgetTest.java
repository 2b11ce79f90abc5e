package dev.harbormaster.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * One budget per request: cost counted across every expression of every policy, sizes charged as
 * values grow, and a deadline. Past any bound the policy fails per its failurePolicy, naming the bound.
 */
class BudgetTest {

    static PolicySet policy(String variables, String validation) throws Exception {
        String yaml = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: bounded}
                spec:
                  validationActions: [Deny]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
                  variables:
                %s
                  validations:
                  - expression: "%s"
                    message: never shown
                """.formatted(variables, validation);
        return new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("bounded.yaml", yaml)), "test");
    }

    static AdmissionInput configMap(Map<String, Object> data) {
        return ManifestInput.of("CREATE", Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "settings", "namespace", "shop"), "data", data), null, "default", null, false);
    }

    private static Verdict evaluate(PolicySet set, AdmissionInput input, long expressionCost, long requestCost, Duration deadline) {
        return new Engine(Engine.Mode.ENFORCE, new EvaluationLimits(expressionCost, requestCost, deadline))
                .evaluate(input, set, ClusterView.OFFLINE);
    }

    /** Ten variables, each well under the per-expression limit, read by one validation. */
    private static final String TEN_VARIABLES = IntStream.range(0, 10)
            .mapToObj(i -> "  - {name: v" + i + ", expression: \"object.data.items.all(i, i >= 0)\"}")
            .collect(Collectors.joining("\n"));
    private static final String ALL_TEN = IntStream.range(0, 10).mapToObj(i -> "variables.v" + i).collect(Collectors.joining(" && "));

    @Test
    void workSplitIntoVariablesIsChargedToTheRequestNotPerExpression() throws Exception {
        PolicySet set = policy(TEN_VARIABLES, ALL_TEN);
        AdmissionInput input = configMap(Map.of("items", LongStream.range(0, 400).boxed().toList()));

        // Each variable fits the per-expression limit: with room in the request, the policy passes.
        Verdict roomy = evaluate(set, input, 10_000, 1_000_000, Duration.ofSeconds(10));
        assertThat(roomy.results()).extracting(PolicyResult::outcome).containsExactly(Outcome.PASS);

        // The same work under a request budget the size of one expression's limit fails, naming the bound.
        Verdict tight = evaluate(set, input, 10_000, 10_000, Duration.ofSeconds(10));
        assertThat(tight.allowed()).isFalse();
        assertThat(tight.results()).extracting(PolicyResult::outcome).containsExactly(Outcome.ERROR);
        assertThat(tight.denial().message()).contains("request cost limit exceeded").contains("harbormaster.cel.request-cost-limit");
    }

    @Test
    void theRequestBudgetIsSharedByEveryPolicy() throws Exception {
        String yaml = IntStream.range(0, 5).mapToObj(i -> """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: p%d}
                spec:
                  validationActions: [Warn]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
                  validations:
                  - expression: "object.data.items.all(i, i >= 0)"
                """.formatted(i)).collect(Collectors.joining("---\n"));
        PolicySet set = new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("five.yaml", yaml)), "test");
        AdmissionInput input = configMap(Map.of("items", LongStream.range(0, 400).boxed().toList()));

        Verdict verdict = evaluate(set, input, 10_000, 4_000, Duration.ofSeconds(10));

        // The first policies spend the budget; the later ones are refused it, each with the reason.
        assertThat(verdict.results()).extracting(PolicyResult::outcome).startsWith(Outcome.PASS).endsWith(Outcome.ERROR);
        assertThat(verdict.results().get(4).message()).contains("request cost limit exceeded");
    }

    @Test
    void aStringThatDoublesIsStoppedByItsSize() throws Exception {
        Verdict verdict = StringDoubling.evaluate();
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.denial().message()).contains("size limit exceeded: a string of").contains("over " + Budget.MAX_STRING_LENGTH);
    }

    /** The same doubling in a JVM of 256 MB: it fails fast with the size limit, not with OutOfMemoryError. */
    @Test
    void aStringThatDoublesStaysWithinASmallHeap() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"), StringDoubling.class.getName())
                .redirectErrorStream(true).start();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(finished).as(output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("size limit exceeded");
    }

    @Test
    void theDeadlineStopsARequestThatTakesTooLong() throws Exception {
        // A billion steps allowed, a 200 ms deadline: the clock ends it.
        PolicySet set = policy("  - {name: n, expression: '1'}",
                "object.data.items.all(a, object.data.items.all(b, a + b >= 0))");
        AdmissionInput input = configMap(Map.of("items", LongStream.range(0, 20_000).boxed().toList()));
        long start = System.nanoTime();

        Verdict verdict = evaluate(set, input, 1_000_000_000L, 1_000_000_000L, Duration.ofMillis(200));

        assertThat(verdict.denial().message()).contains("deadline exceeded").contains("200 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    /** kube-apiserver would wait its timeout for an answer: a huge workload gets one within the deadline. */
    @Test
    void aWorkloadWithTenThousandContainersIsAnsweredWithinTheDeadline() throws Exception {
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readDirectory(Path.of("policies")), "pack");
        List<Map<String, Object>> containers = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            containers.add(Map.of("name", "c" + i, "image", "registry.example/app:1." + i));
        }
        Map<String, Object> template = Map.of("metadata", Map.of("labels", Map.of("app", "huge")), "spec", Map.of("containers", containers));
        Map<String, Object> deployment = new LinkedHashMap<>(Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "huge", "namespace", "shop"),
                "spec", Map.of("replicas", 3, "selector", Map.of("matchLabels", Map.of("app", "huge")), "template", template)));
        AdmissionInput input = ManifestInput.of("CREATE", deployment, null, "shop", null, false);
        Duration deadline = Duration.ofMillis(500);
        Engine engine = new Engine(Engine.Mode.ENFORCE, new EvaluationLimits(1_000_000, 10_000_000, deadline));

        for (String door : List.of("validate", "mutate")) {
            long start = System.nanoTime();
            Verdict verdict = door.equals("validate") ? engine.evaluate(input, pack, ClusterView.OFFLINE) : engine.mutate(input, pack, ClusterView.OFFLINE);
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(verdict.results()).as(door).isNotEmpty();
            // The deadline bounds evaluation; decoding and patching around it get a generous margin on a shared machine.
            assertThat(took).as(door + " took " + took.toMillis() + " ms").isLessThan(deadline.plusSeconds(3));
        }
    }
}
