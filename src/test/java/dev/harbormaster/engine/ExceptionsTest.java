package dev.harbormaster.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** PolicyExceptions in the engine: what they select, what they exempt, and what every door makes of the result. */
class ExceptionsTest {

    private static final String POLICY = """
            apiVersion: harbormaster.dev/v1alpha1
            kind: ValidatingPolicy
            metadata: {name: config-rules}
            spec:
              validationActions: [Deny]
              matchConstraints:
                resourceRules:
                - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, UPDATE, DELETE], resources: [configmaps]}
              validations:
              - {name: has-owner, expression: "has(object.metadata.labels) && 'owner' in object.metadata.labels", message: needs an owner}
              - {expression: "!has(object.data) || size(object.data) < 3", message: too much data}
            """;

    private static PolicySet set(String exception) throws PolicyLoadException {
        return new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("p.yaml", POLICY + "---\n" + exception)), "test");
    }

    private static String exception(String spec) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: PolicyException
                metadata: {name: legacy, namespace: team-a}
                spec:
                """ + spec.indent(2);
    }

    private static Verdict create(PolicySet set, String namespace, String kind, String name, Map<String, Object> labels) {
        Map<String, Object> object = Map.of("apiVersion", "v1", "kind", kind,
                "metadata", Map.of("name", name, "namespace", namespace, "labels", labels),
                "data", Map.of("a", "1", "b", "2", "c", "3"));
        return new Engine(Engine.Mode.ENFORCE).evaluate(ManifestInput.of("CREATE", object, null, namespace, null, false), set,
                ClusterView.OFFLINE);
    }

    private static List<String> outcomes(Verdict verdict) {
        return verdict.results().stream().map(r -> r.outcome() + " " + r.message()).toList();
    }

    @Test
    void aValidationNamedOrIndexedIsExemptedAndTheOthersStillCount() throws Exception {
        PolicySet byName = set(exception("reason: owners come later\npolicies: [{name: config-rules, validations: [has-owner]}]"));
        Verdict verdict = create(byName, "team-a", "ConfigMap", "settings", Map.of());
        assertThat(outcomes(verdict)).containsExactly(
                "EXEMPTED validations[0] (has-owner) exempted by team-a/legacy: owners come later",
                "VIOLATION too much data");
        assertThat(verdict.allowed()).isFalse();

        PolicySet byIndex = set(exception("reason: big on purpose\npolicies: [{name: config-rules, validations: [1]}]"));
        assertThat(outcomes(create(byIndex, "team-a", "ConfigMap", "settings", Map.of("owner", "me"))))
                .containsExactly("EXEMPTED validations[1] exempted by team-a/legacy: big on purpose");
    }

    @Test
    void everyPartOfTheMatchMustSelectTheObject() throws Exception {
        PolicySet set = set(exception("""
                reason: r
                match: {kinds: [ConfigMap], names: ["legacy-*"], selector: {matchLabels: {tier: old}}}
                policies: [{name: config-rules}]
                """));
        assertThat(create(set, "team-a", "ConfigMap", "legacy-1", Map.of("tier", "old")).allowed()).isTrue();
        assertThat(create(set, "team-a", "ConfigMap", "legacy-1", Map.of("tier", "new")).allowed()).isFalse();
        assertThat(create(set, "team-a", "ConfigMap", "current", Map.of("tier", "old")).allowed()).isFalse();
        assertThat(create(set, "team-a", "Secret", "legacy-1", Map.of("tier", "old")).allowed()).isFalse();
        assertThat(create(set, "team-b", "ConfigMap", "legacy-1", Map.of("tier", "old")).allowed()).isFalse();
    }

    @Test
    void theDoorsAgreeOnWhatAnExemptionAndAnExpiryMean() throws Exception {
        Verdict exempted = create(set(exception("reason: r\nexpiresAt: \"2099-01-01T12:30:00Z\"\npolicies: [{name: config-rules}]")),
                "team-a", "ConfigMap", "x", Map.of());
        PolicyResult skip = exempted.results().get(0);
        assertThat(skip.outcome()).isEqualTo(Outcome.EXEMPTED);
        assertThat(skip.message()).isEqualTo("exempted by team-a/legacy until 2099-01-01T12:30:00Z: r");
        assertThat(ActionPolicy.conclude(skip)).isEqualTo(new ActionPolicy.Conclusion(false, true, true, "Skip", "skip", "exempted"));
        assertThat(exempted.warnings()).containsExactly("[config-rules] exempted by team-a/legacy until 2099-01-01T12:30:00Z: r");
        assertThat(exempted.auditAnnotations()).containsEntry("config-rules", "exempted by team-a/legacy until 2099-01-01T12:30:00Z: r");

        Verdict expired = create(set(exception("reason: r\nexpiresAt: \"2020-01-01T00:00:00Z\"\npolicies: [{name: config-rules}]")),
                "team-a", "ConfigMap", "x", Map.of());
        assertThat(outcomes(expired)).containsExactly(
                "EXCEPTION_EXPIRED exception team-a/legacy expired on 2020-01-01: the policy applies again",
                "VIOLATION needs an owner", "VIOLATION too much data");
        assertThat(ActionPolicy.conclude(expired.results().get(0)))
                .isEqualTo(new ActionPolicy.Conclusion(false, true, true, "Warn", "warn", "exception_expired"));
        assertThat(expired.allowed()).isFalse();
    }

    @Test
    void onDeleteTheOldObjectsLabelsSelect() throws Exception {
        PolicySet set = set(exception("reason: r\nmatch: {selector: {matchLabels: {tier: old}}}\npolicies: [{name: config-rules}]"));
        Map<String, Object> old = Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "x", "namespace", "team-a", "labels", Map.of("tier", "old")));
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(ManifestInput.of("DELETE", null, old, "team-a", null, false), set,
                ClusterView.OFFLINE);
        assertThat(verdict.results()).extracting(PolicyResult::outcome).containsExactly(Outcome.EXEMPTED);
    }

    @Test
    void anExceptionThatCannotWorkFailsTheFilesWithItsField() {
        PolicyLoadException unknown = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> set(exception("reason: r\npolicies: [{name: config-rules, validations: [7, nope]}]")));
        assertThat(unknown.errors()).extracting(e -> e.fieldAndMessage()).containsExactly(
                "spec.policies[0].validations[0]: 7 is no validation of config-rules (it has 0 or has-owner, 1)",
                "spec.policies[0].validations[1]: \"nope\" is no validation of config-rules (it has 0 or has-owner, 1)");
        PolicyLoadException noNamespace = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> set(exception("reason: r\npolicies: [{name: config-rules}]").replace(", namespace: team-a", "")));
        assertThat(noNamespace.errors()).extracting(e -> e.fieldAndMessage())
                .containsExactly("metadata.namespace: missing: an exception applies only inside its own namespace");
        PolicyLoadException typo = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> set(exception("reason: r\nmatch: {kind: [ConfigMap]}\npolicies: [{name: config-rules}]")));
        assertThat(typo.errors().get(0).fieldAndMessage()).startsWith("spec.match.kind: unknown field (known fields here: kinds, names, selector)");
    }
}
