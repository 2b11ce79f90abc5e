package dev.harbormaster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.Admission;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.intree.Export;
import dev.harbormaster.intree.Lowering;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicyDocument;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every pack test case through the original policies and through their lowered VAP/MAP files,
 * read back as Kubernetes' own policies and so compiled in Kubernetes' CEL environment, where
 * Harbormaster's helpers do not exist. Both must give the same answer to kube-apiserver: allowed
 * or not; the denial's code, reason and message; the warnings; the audit annotations; the mutated
 * object. Two differences are by design and taken out before comparing: the lowered companion
 * policies ({@code -ratchet}, {@code -opt-out}) speak under the name of the policy they belong to,
 * and MutatingAdmissionPolicies do not write the webhook's {@code harbormaster.dev/mutated} record.
 * Warnings compare as a sorted list: the lowered ones come policy by policy, companions after.
 * A test of lowered and unlowered policies together runs as {@code policies.inTree} installs them:
 * the lowered ones in-tree, the others in the webhook, in name order.
 */
class InTreeEquivalenceTest {

    private static final CelEnvironment CEL = new CelEnvironment();

    @ParameterizedTest
    @ValueSource(strings = {"policies", "policies/pss/baseline", "policies/pss/restricted"})
    void everyCaseOfEveryLoweredPolicyGetsTheSameAnswer(String pack) throws Exception {
        List<PolicySource> sources = PolicyLoader.readDirectory(Path.of(pack));
        PolicySet original = new PolicyLoader(CEL).load(sources, pack);
        Export.Exported exported = Export.export(sources);
        List<PolicySource> loweredFiles = exported.files().entrySet().stream()
                .filter(f -> f.getKey().startsWith("validating/") || f.getKey().startsWith("mutating/"))
                .map(f -> new PolicySource(f.getKey(), f.getValue())).toList();
        PolicySet lowered = new PolicyLoader(CEL).load(loweredFiles, "lowered " + pack);
        Set<String> loweredPolicies = exported.results().stream().filter(Lowering.Result::lowered).map(Lowering.Result::policy)
                .collect(Collectors.toSet());

        int compared = 0;
        Measured peakExpression = new Measured(0, "none");
        Measured peakPolicy = new Measured(0, "none");
        List<String> differences = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (PolicySource source : sources) {
            for (PolicyLoader.Located located : PolicyLoader.documents(source, new ArrayList<>())) {
                if (!PolicyLoader.POLICY_TEST.equals(located.node().path("kind").asText())) {
                    continue;
                }
                PolicyDocument document = PolicyTestRunner.STRICT.treeToValue(located.node(), PolicyDocument.class);
                PolicyTestRunner.TestSpec spec = PolicyTestRunner.STRICT.treeToValue(document.spec(), PolicyTestRunner.TestSpec.class);
                List<String> names = spec.policies() == null || spec.policies().isEmpty()
                        ? all(original) : spec.policies();
                List<String> inTree = names.stream().filter(loweredPolicies::contains).toList();
                List<String> webhook = names.stream().filter(n -> !loweredPolicies.contains(n)).toList();
                if (inTree.isEmpty()) {
                    skipped.add(document.name() + " (" + webhook + " not lowered)");
                    continue;
                }
                PolicySet originalSelected = PolicyTestRunner.select(original, names);
                // As installed with policies.inTree: the lowered policies in kube-apiserver, the rest in the webhook.
                PolicySet loweredSelected = select(lowered, inTree);
                PolicySet webhookSelected = webhook.isEmpty() ? null : PolicyTestRunner.select(original, webhook);
                Engine engine = new Engine(spec.mode() == null ? Engine.Mode.ENFORCE : spec.mode(), EvaluationLimits.DEFAULT);
                for (PolicyTestRunner.Case testCase : spec.cases()) {
                    AdmissionInput input = PolicyTestRunner.input(testCase);
                    ClusterView cluster = PolicyTestRunner.clusterView(testCase, input.namespace());
                    Admission before = engine.admit(input, PolicyTestRunner.withParams(originalSelected, testCase.params()), cluster);
                    PolicySet installed = withParams(loweredSelected, testCase.params());
                    if (webhookSelected != null) {
                        installed = union(installed, PolicyTestRunner.withParams(webhookSelected, testCase.params()));
                    }
                    Admission after = engine.admit(input, installed, cluster);
                    // kube-apiserver's runtime limits, on each lowered policy's evaluation of the case.
                    for (Map.Entry<String, Engine.Cost> cost : engine.costs(input, withParams(loweredSelected, testCase.params()), cluster).entrySet()) {
                        String where = document.name() + " / " + testCase.name() + " / " + cost.getKey();
                        if (cost.getValue().peakExpression() > peakExpression.cost()) {
                            peakExpression = new Measured(cost.getValue().peakExpression(), where);
                        }
                        if (cost.getValue().total() > peakPolicy.cost()) {
                            peakPolicy = new Measured(cost.getValue().total(), where);
                        }
                    }
                    Map<String, Object> expected = answer(before);
                    Map<String, Object> actual = answer(after);
                    if (!expected.equals(actual)) {
                        differences.add(document.name() + " / " + testCase.name() + ":\n  webhook: " + expected + "\n  in-tree: " + actual);
                    }
                    compared++;
                }
            }
        }
        assertThat(differences).as("cases where the lowered policies answer otherwise").isEmpty();
        assertThat(compared).as("cases compared in " + pack).isPositive();
        // Only the tests of policies that did not lower are left out, and those are reported by export with a reason.
        assertThat(skipped).allSatisfy(test -> assertThat(test).contains("not lowered"));
        System.out.println(pack + ": " + compared + " cases compared; left to the webhook: " + skipped);
        System.out.println(pack + ": costliest lowered expression " + peakExpression + "; costliest lowered policy evaluation " + peakPolicy);
        // Harbormaster's meter approximates cel-go's cost units (see docs/in-tree.md), so the lowered
        // policies must stay a factor MARGIN below what kube-apiserver allows.
        assertThat(peakExpression.cost()).as("costliest expression, %s", peakExpression).isLessThanOrEqualTo(PER_CALL_LIMIT / MARGIN);
        assertThat(peakPolicy.cost()).as("costliest policy evaluation, %s", peakPolicy).isLessThanOrEqualTo(RUNTIME_COST_BUDGET / MARGIN);
    }

    /** kube-apiserver's runtime cost limit of one expression (k8s.io/apiserver/pkg/apis/cel PerCallLimit). */
    private static final long PER_CALL_LIMIT = 1_000_000;
    /** kube-apiserver's runtime cost budget of one binding's evaluation (RuntimeCELCostBudget). */
    private static final long RUNTIME_COST_BUDGET = 10_000_000;
    /** How far below kube-apiserver's limits the lowered policies must stay, as the cost units are not cel-go's. */
    private static final long MARGIN = 10;

    private record Measured(long cost, String where) {
        @Override
        public String toString() {
            return cost + " (" + where + ")";
        }
    }

    private static PolicySet union(PolicySet a, PolicySet b) {
        java.util.Comparator<CompiledPolicy> byName = java.util.Comparator.comparing(CompiledPolicy::name);
        List<CompiledPolicy> validating = new ArrayList<>(a.validating());
        validating.addAll(b.validating());
        validating.sort(byName);
        List<CompiledPolicy> mutating = new ArrayList<>(a.mutating());
        mutating.addAll(b.mutating());
        mutating.sort(byName);
        return new PolicySet(validating, mutating, a.origin(), a.loadedAt());
    }

    private static List<String> all(PolicySet set) {
        List<String> names = new ArrayList<>();
        set.validating().forEach(p -> names.add(p.name()));
        set.mutating().forEach(p -> names.add(p.name()));
        return names;
    }

    /** The lowered policies standing for these: each, and its companions. */
    private static PolicySet select(PolicySet lowered, List<String> names) {
        java.util.function.Predicate<CompiledPolicy> wanted = p -> names.contains(original(p.name()));
        return new PolicySet(lowered.validating().stream().filter(wanted).toList(), lowered.mutating().stream().filter(wanted).toList(),
                lowered.origin(), lowered.loadedAt());
    }

    private static String original(String lowered) {
        for (String suffix : List.of(Lowering.RATCHET_SUFFIX, Lowering.OPT_OUT_SUFFIX)) {
            if (lowered.endsWith(suffix)) {
                return lowered.substring(0, lowered.length() - suffix.length());
            }
        }
        return lowered;
    }

    /** A case's params go into the spec of the PolicyParams object, where the lowered policy reads them. */
    @SuppressWarnings("unchecked")
    private static PolicySet withParams(PolicySet lowered, JsonNode params) throws Exception {
        if (params == null) {
            return lowered;
        }
        Map<String, Object> overrides = (Map<String, Object>) dev.harbormaster.cel.CelJson.read(PolicyTestRunner.STRICT.treeAsTokens(params));
        Function<CompiledPolicy, CompiledPolicy> apply = policy -> {
            // The lowered binding's paramRef finds the exported PolicyParams object among the files.
            Object given = policy.paramLookup() != null && policy.paramLookup().fromFiles().size() == 1
                    ? policy.paramLookup().fromFiles().get(0) : policy.params();
            if (!(given instanceof Map<?, ?> object)) {
                return policy;
            }
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) object);
            Map<String, Object> spec = new LinkedHashMap<>((Map<String, Object>) copy.get("spec"));
            spec.putAll(overrides);
            copy.put("spec", spec);
            return policy.withParams(copy);
        };
        return new PolicySet(lowered.validating().stream().map(apply).toList(), lowered.mutating().stream().map(apply).toList(),
                lowered.origin(), lowered.loadedAt());
    }

    /** What kube-apiserver gets back, with the lowered companions' names read as their policy's. */
    private static Map<String, Object> answer(Admission admission) {
        Map<String, Object> answer = new LinkedHashMap<>();
        Verdict deciding = admission.deciding();
        answer.put("allowed", deciding.allowed());
        answer.put("denial", deciding.denial() == null ? "none"
                : deciding.denial().code() + " " + deciding.denial().reason() + " " + renamed(deciding.denial().message()));
        List<String> warnings = new ArrayList<>();
        admission.mutation().warnings().forEach(w -> warnings.add(renamed(w)));
        admission.validation().warnings().forEach(w -> warnings.add(renamed(w)));
        warnings.sort(null);
        answer.put("warnings", warnings);
        Map<String, String> annotations = new TreeMap<>();
        admission.mutation().auditAnnotations().forEach((k, v) -> annotations.merge(annotationKey(k), v, (a, b) -> a + "; " + b));
        admission.validation().auditAnnotations().forEach((k, v) -> annotations.merge(annotationKey(k), v, (a, b) -> a + "; " + b));
        answer.put("auditAnnotations", annotations);
        answer.put("object", withoutMutationRecord(admission.mutated().object()));
        return answer;
    }

    private static String renamed(String text) {
        return text.replaceAll("\\[([a-z0-9.-]+)(" + Lowering.RATCHET_SUFFIX + "|" + Lowering.OPT_OUT_SUFFIX + ")\\] ", "[$1] ");
    }

    private static String annotationKey(String key) {
        String suffix = Lowering.OPT_OUT_SUFFIX + ".opted-out";
        return key.endsWith(suffix) ? key.substring(0, key.length() - suffix.length()) : key;
    }

    @SuppressWarnings("unchecked")
    private static Object withoutMutationRecord(Map<String, Object> object) {
        if (object == null) {
            return null;
        }
        Map<String, Object> copy = new LinkedHashMap<>(object);
        if (copy.get("metadata") instanceof Map<?, ?> metadata) {
            Map<String, Object> meta = new LinkedHashMap<>((Map<String, Object>) metadata);
            if (meta.get("annotations") instanceof Map<?, ?> annotations) {
                Map<String, Object> rest = new LinkedHashMap<>((Map<String, Object>) annotations);
                rest.remove(Engine.MUTATED_ANNOTATION);
                if (rest.isEmpty()) {
                    meta.remove("annotations");
                } else {
                    meta.put("annotations", rest);
                }
            }
            copy.put("metadata", meta);
        }
        return dev.harbormaster.cel.CelJson.toJson(copy);
    }
}
