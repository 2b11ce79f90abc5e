package dev.harbormaster.intree;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A Harbormaster MutatingPolicy with an ApplyConfiguration mutation lowers to a MutatingAdmissionPolicy that merges the same. */
class ApplyConfigurationLoweringTest {

    private static final String POLICY = """
            apiVersion: harbormaster.dev/v1alpha1
            kind: MutatingPolicy
            metadata: {name: team-label}
            spec:
              matchConstraints:
                resourceRules:
                - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
              mutations:
              - patchType: ApplyConfiguration
                applyConfiguration:
                  expression: >-
                    Object{spec: Object.spec{template: Object.spec.template{metadata: Object.spec.template.metadata{
                      labels: {"example.com/containers": string(workload.containers(object).size())}}}}}
            """;

    @Test
    void theLoweredPolicyMergesWhatTheOriginalMerges() throws Exception {
        List<PolicySource> sources = List.of(new PolicySource("team-label.yaml", POLICY));
        PolicySet original = new PolicyLoader(new CelEnvironment()).load(sources, "test");
        Export.Exported exported = Export.export(sources);
        assertThat(exported.results()).singleElement().satisfies(result -> assertThat(result.refusal()).isNull());
        String map = exported.files().get("mutating/team-label.yaml");
        // The helper is written out; the Object literals stay MutatingAdmissionPolicy's.
        assertThat(map).contains("patchType: ApplyConfiguration").contains("Object.spec.template.metadata{").doesNotContain("workload.");
        List<PolicySource> files = new ArrayList<>();
        exported.files().forEach((name, content) -> {
            if (name.startsWith("mutating/")) {
                files.add(new PolicySource(name, content));
            }
        });
        PolicySet lowered = new PolicyLoader(new CelEnvironment()).load(files, "lowered");
        AdmissionInput input = ManifestInput.of("CREATE", Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "web"), "spec", Map.of("template", Map.of(
                        "metadata", Map.of("labels", Map.of("app", "web")),
                        "spec", Map.of("containers", List.of(Map.of("name", "a", "image", "a:1"), Map.of("name", "b", "image", "b:1")))))),
                null, "shop", null, false);
        Engine engine = new Engine(Engine.Mode.ENFORCE);
        Verdict before = engine.mutate(input, original, ClusterView.OFFLINE);
        Verdict after = engine.mutate(input, lowered, ClusterView.OFFLINE);
        assertThat(before.mutatedObject()).extracting("spec").extracting("template").extracting("metadata").extracting("labels")
                .isEqualTo(Map.of("app", "web", "example.com/containers", "2"));
        assertThat(after.mutatedObject()).extracting("spec").isEqualTo(before.mutatedObject().get("spec"));
    }
}
