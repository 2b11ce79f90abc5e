package dev.harbormaster.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** What the YAML fixtures cannot express: cost limits, message shaping, denial status codes. */
class EngineTest {

    private static final String POLICY = """
            apiVersion: harbormaster.dev/v1alpha1
            kind: ValidatingPolicy
            metadata: {name: %s}
            spec:
              validationActions: [%s]
              failurePolicy: %s
              matchConstraints:
                resourceRules:
                - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
              validations:
              - expression: %s
                message: %s
                reason: %s
            """;

    private static PolicySet policies(String... documents) throws Exception {
        return new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("test.yaml", String.join("---\n", documents))), "test");
    }

    private static Engine engine(long expressionCost, long requestCost, Duration deadline) {
        return new Engine(Engine.Mode.ENFORCE, new EvaluationLimits(expressionCost, requestCost, deadline));
    }

    private static String policy(String name, String action, String failurePolicy, String expression, String message, String reason) {
        return POLICY.formatted(name, action, failurePolicy, expression, message, reason);
    }

    private static AdmissionInput configMap(Map<String, Object> data) {
        return ManifestInput.of("CREATE", Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "settings", "namespace", "shop"), "data", data), null, "default", null, false);
    }

    private static final String RUNAWAY = "\"object.data.items.all(a, object.data.items.all(b, a + b >= 0))\"";

    @Test
    void aRunawayExpressionHitsTheCostLimitAndFailsOnlyItsPolicy() throws Exception {
        PolicySet set = policies(
                policy("runaway", "Deny", "Fail", RUNAWAY, "never shown", "Invalid"),
                policy("runaway-ignored", "Deny", "Ignore", RUNAWAY, "never shown", "Invalid"),
                policy("cheap", "Deny", "Fail", "\"object.data.items.size() > 0\"", "empty", "Invalid"));
        List<Long> items = LongStream.range(0, 100).boxed().toList();

        Verdict verdict = engine(10_000, 1_000_000, Duration.ofSeconds(10)).evaluate(configMap(Map.of("items", items)), set, ClusterView.OFFLINE);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.results()).extracting(PolicyResult::policy, PolicyResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("cheap", Outcome.PASS),
                org.assertj.core.groups.Tuple.tuple("runaway", Outcome.ERROR),
                org.assertj.core.groups.Tuple.tuple("runaway-ignored", Outcome.ERROR_IGNORED));
        assertThat(verdict.denial().message()).isEqualTo("[runaway] ConfigMap settings: validations[0] could not be evaluated: cost limit exceeded: "
                + "the expression took more than 10000 (harbormaster.cel.cost-limit) (failurePolicy: Fail)");
    }

    @Test
    void theDefaultCostLimitStopsAQuadraticExpressionOverALargeList() throws Exception {
        PolicySet set = policies(policy("runaway", "Deny", "Fail", RUNAWAY, "never shown", "Invalid"));
        List<Long> items = LongStream.range(0, 20_000).boxed().toList();
        long start = System.nanoTime();

        Verdict verdict = engine(EvaluationLimits.DEFAULT.expressionCost(), EvaluationLimits.DEFAULT.requestCost(), Duration.ofMinutes(1))
                .evaluate(configMap(Map.of("items", items)), set, ClusterView.OFFLINE);

        assertThat(verdict.denial().message()).contains("cost limit exceeded");
        // 20,000² steps would take minutes; the limit ends it after a million (generous bound: shared CI machine).
        assertThat(System.nanoTime() - start).isLessThan(30_000_000_000L);
    }

    @Test
    void costsListOnlyThePoliciesTheRequestsRulesReach() throws Exception {
        String onCreate = policy("on-create", "Deny", "Fail", "\"object.data.items.all(i, i >= 0)\"", "negative", "Invalid");
        String onUpdate = onCreate.replace("on-create", "on-update").replace("operations: [CREATE]", "operations: [UPDATE]");
        PolicySet set = policies(onCreate, onUpdate);
        AdmissionInput create = configMap(Map.of("items", List.of(1L, 2L, 3L)));

        Map<String, Engine.Cost> costs = new Engine(Engine.Mode.ENFORCE).costs(create, set, ClusterView.OFFLINE);

        assertThat(costs).containsOnlyKeys("on-create");
        assertThat(costs.get("on-create").total()).isPositive();
        assertThat(new Engine(Engine.Mode.ENFORCE).evaluate(create, set, ClusterView.OFFLINE).results())
                .extracting(PolicyResult::policy).containsExactly("on-create");
    }

    @Test
    void readingOneVariableEvaluatesThatVariableOnly() throws Exception {
        // "broken" fails whenever it is evaluated (no such key); a policy that reads only "fine" must pass,
        // and one that reads "broken" must fail with its reason, as in ValidatingAdmissionPolicy.
        String document = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: %s}
                spec:
                  validationActions: [Deny]
                  failurePolicy: Fail
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
                  variables:
                  - {name: broken, expression: "object.data.missing == 'x'"}
                  - {name: fine, expression: "size(object.data) == 1"}
                  validations:
                  - expression: %s
                    message: denied
                """;
        PolicySet set = policies(document.formatted("reads-fine", "variables.fine"), document.formatted("reads-broken", "variables.broken"));

        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(configMap(Map.of("present", "1")), set, ClusterView.OFFLINE);

        assertThat(verdict.results()).extracting(PolicyResult::policy, PolicyResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("reads-broken", Outcome.ERROR),
                org.assertj.core.groups.Tuple.tuple("reads-fine", Outcome.PASS));
        assertThat(verdict.denial().message()).startsWith("[reads-broken] ConfigMap settings: validations[0] could not be evaluated: ")
                .contains("broken").contains("missing").doesNotContain("reads-fine");
    }

    @Test
    void theDenialCarriesTheReasonAndCodeOfTheFirstDenyingPolicy() throws Exception {
        PolicySet set = policies(
                policy("a-forbidden", "Deny", "Fail", "\"false\"", "first", "Forbidden"),
                policy("b-too-large", "Deny", "Fail", "\"false\"", "second", "RequestEntityTooLarge"));
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(configMap(Map.of()), set, ClusterView.OFFLINE);
        assertThat(verdict.denial()).isEqualTo(new Verdict.Denial(403, "Forbidden", "[a-forbidden] first\n[b-too-large] second"));
    }

    @Test
    void warningsStayShortEnoughForKubectlAndMessagesStayOnOneLine() throws Exception {
        String longMessage = "x".repeat(400);
        PolicySet set = policies(
                policy("long", "Warn", "Fail", "\"false\"", longMessage, "Invalid"),
                policy("multiline", "Warn", "Fail", "\"false\"", "\"first line\\n  second line\"", "Invalid"),
                policy("one-line", "Warn", "Fail", "\"false\"", "\"  stays\\tas it is  \"", "Invalid"));
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(configMap(Map.of()), set, ClusterView.OFFLINE);
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.warnings()).containsExactly(
                "[long] " + "x".repeat(ActionPolicy.MAX_WARNING_LENGTH - "[long] ".length() - 1) + "…",
                "[multiline] first line second line",
                "[one-line] stays\tas it is");
    }

    @Test
    void everyKindOfLineBreakIsFoldedIntoASpace() throws Exception {
        // Each line break Java's \R knows, alone in a message, in YAML's escapes: LF, CR LF, VT, FF, NEL, LS, PS.
        List<String> breaks = List.of("\\n", "\\r\\n", "\\v", "\\f", "\\N", "\\L", "\\P");
        List<String> documents = new ArrayList<>();
        for (int i = 0; i < breaks.size(); i++) {
            documents.add(policy("break-" + i, "Warn", "Fail", "\"false\"", "\"a " + breaks.get(i) + " b\"", "Invalid"));
        }
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(configMap(Map.of()), policies(documents.toArray(String[]::new)), ClusterView.OFFLINE);
        assertThat(verdict.warnings()).hasSize(breaks.size())
                .allSatisfy(warning -> assertThat(warning).matches("\\[break-\\d] a b"));
    }

    /** Copies the team label into data.KEY once it is there; a later policy sets the label. */
    private static String copyTeam(String name, String key, String reinvocation) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: MutatingPolicy
                metadata: {name: %s}
                spec:
                  reinvocationPolicy: %s
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
                  matchConditions:
                  - {name: labelled, expression: "object.metadata.?labels[?'team'].hasValue() && !has(object.data.%s)"}
                  mutations:
                  - patchType: JSONPatch
                    jsonPatch: {expression: "[{'op': 'add', 'path': '/data/%s', 'value': object.metadata.labels.team}]"}
                """.formatted(name, reinvocation, key, key);
    }

    @Test
    void onlyIfNeededPoliciesRunAgainAfterALaterChange() throws Exception {
        String label = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: MutatingPolicy
                metadata: {name: b-label}
                spec:
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
                  mutations:
                  - patchType: JSONPatch
                    jsonPatch: {expression: "has(object.metadata.labels) ? [] : [{'op': 'add', 'path': '/metadata/labels', 'value': {'team': 'platform'}}]"}
                """;
        PolicySet set = policies(copyTeam("a-if-needed", "team", "IfNeeded"), copyTeam("a-never", "owner", "Never"), label);
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).mutate(configMap(Map.of("k", "v")), set, ClusterView.OFFLINE);
        @SuppressWarnings("unchecked")
        Map<String, Object> data = (Map<String, Object>) verdict.mutatedObject().get("data");
        assertThat(data).containsEntry("team", "platform").doesNotContainKey("owner");
        // a-never's condition did not hold when it ran, and it does not run again: no result of its own.
        assertThat(verdict.results()).extracting(PolicyResult::policy, PolicyResult::outcome).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a-if-needed", Outcome.MUTATED),
                org.assertj.core.groups.Tuple.tuple("b-label", Outcome.MUTATED));
    }

    @Test
    void evaluationIsSafeFromManyThreadsAtOnce() throws Exception {
        PolicySet set = policies(policy("needs-items", "Deny", "Fail", "\"object.data.items.size() > 1\"", "few", "Invalid"));
        Engine engine = new Engine(Engine.Mode.ENFORCE);
        List<Thread> threads = new ArrayList<>();
        List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 8; t++) {
            int size = t % 3;
            Thread thread = new Thread(() -> {
                for (int i = 0; i < 500; i++) {
                    Verdict verdict = engine.evaluate(configMap(Map.of("items", LongStream.range(0, size).boxed().toList())), set, ClusterView.OFFLINE);
                    if (verdict.allowed() != size > 1) {
                        failures.add(new AssertionError("wrong verdict for " + size + " items"));
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
    }
}
