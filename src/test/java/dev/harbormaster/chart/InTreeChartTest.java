package dev.harbormaster.chart;

import static dev.harbormaster.chart.RenderedChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code policies.inTree}: the lowered policies installed, the webhook narrowed to what the rest need. */
class InTreeChartTest {

    private static List<String> names(RenderedChart chart, String kind) {
        return chart.all(kind).stream().map(o -> o.at("/metadata/name").asText()).sorted().toList();
    }

    @Test
    void byDefaultNothingIsInstalledInTree() {
        RenderedChart chart = render(Map.of());
        assertThat(chart.all("ValidatingAdmissionPolicy")).isEmpty();
        assertThat(chart.all("MutatingAdmissionPolicy")).isEmpty();
        assertThat(chart.all("PolicyParams")).isEmpty();
    }

    @Test
    void inTreeInstallsTheLoweredValidatingPoliciesAndNarrowsTheValidatingWebhook() {
        RenderedChart chart = render(Map.of("policies.inTree", "true"));
        assertThat(names(chart, "ValidatingAdmissionPolicy")).contains("disallow-latest-tag", "disallow-latest-tag-ratchet",
                "disallow-latest-tag-opt-out", "image-pull-policy", "probe-sanity", "require-probes", "require-requests", "termination-budget")
                .doesNotContain("require-pdb", "pdb-sanity");
        // Every policy has its binding, and the params its binding names.
        assertThat(names(chart, "ValidatingAdmissionPolicyBinding")).isEqualTo(names(chart, "ValidatingAdmissionPolicy"));
        for (JsonNode binding : chart.all("ValidatingAdmissionPolicyBinding")) {
            JsonNode ref = binding.at("/spec/paramRef/name");
            if (!ref.isMissingNode()) {
                assertThat(names(chart, "PolicyParams")).contains(ref.asText());
            }
        }
        assertThat(chart.all("MutatingAdmissionPolicy")).as("MAP is a separate opt-in").isEmpty();
        // Pods and Jobs are judged in-tree only; what the cluster lookups need still goes to the webhook.
        assertThat(ChartTest.rules(chart.one("ValidatingWebhookConfiguration")))
                .noneMatch(rule -> rule.contains("/v1/pods") || rule.startsWith("batch/"))
                .anyMatch(rule -> rule.startsWith("policy/v1/poddisruptionbudgets"))
                .anyMatch(rule -> rule.startsWith("autoscaling/v2/horizontalpodautoscalers"))
                .anyMatch(rule -> rule.startsWith("apps/v1/") && rule.contains("deployments"));
        // The mutating webhook keeps every rule until MAPs are opted into.
        assertThat(ChartTest.rules(chart.one("MutatingWebhookConfiguration")))
                .isEqualTo(ChartTest.rules(render(Map.of()).one("MutatingWebhookConfiguration")));
        // The server still loads the whole pack: background audit and reports stay whole.
        assertThat(chart.one("ConfigMap").path("data").has("disallow-latest-tag.yaml")).isTrue();
    }

    @Test
    void inTreeMutatingAddsTheMutatingPoliciesAndNarrowsTheMutatingWebhook() {
        RenderedChart chart = render(Map.of("policies.inTree", "true", "policies.inTreeMutating", "true"));
        assertThat(names(chart, "MutatingAdmissionPolicy")).containsExactly("raise-termination-grace");
        assertThat(names(chart, "MutatingAdmissionPolicyBinding")).containsExactly("raise-termination-grace");
        assertThat(chart.one("MutatingAdmissionPolicy").path("apiVersion").asText()).isEqualTo("admissionregistration.k8s.io/v1beta1");
        // inject-prestop (it reads the cluster) keeps its rules; batch workloads were raise-termination-grace's only.
        assertThat(ChartTest.rules(chart.one("MutatingWebhookConfiguration")))
                .contains("/v1/pods CREATE").noneMatch(rule -> rule.startsWith("batch/"));
    }

    @Test
    void theOptInsRefuseWhatCannotWork() {
        assertThatThrownBy(() -> render(Map.of("policies.inTreeMutating", "true"))).hasMessageContaining("needs policies.inTree");
        assertThatThrownBy(() -> render(Map.of("policies.inTree", "true", "policies.defaultPack", "false")))
                .hasMessageContaining("needs policies.defaultPack");
        assertThatThrownBy(() -> render(Map.of("policies.webhookSkipsInTree", "true"))).hasMessageContaining("needs policies.inTree");
    }

    @Test
    void webhookSkipsInTreeTellsTheServerWhichPoliciesKubeApiserverRuns(@org.junit.jupiter.api.io.TempDir java.nio.file.Path work)
            throws Exception {
        String env = "HARBORMASTER_ADMISSION_IN_TREE_POLICIES";
        assertThat(render(Map.of("policies.inTree", "true")).env(env)).as("off unless asked").isNull();
        assertThat(render(Map.of("policies.inTree", "true", "policies.webhookSkipsInTree", "true")).env(env))
                .isEqualTo("disallow-latest-tag,image-pull-policy,probe-sanity,require-probes,require-requests,termination-budget");
        assertThat(render(Map.of("policies.inTree", "true", "policies.inTreeMutating", "true", "policies.webhookSkipsInTree", "true")).env(env))
                .isEqualTo("disallow-latest-tag,image-pull-policy,probe-sanity,raise-termination-grace,require-probes,require-requests,"
                        + "termination-budget");
        // A pack policy that policies.extra replaces is still the webhook's: the in-tree copy is the pack's.
        java.nio.file.Path values = work.resolve("values.yaml");
        java.nio.file.Files.writeString(values, """
                policies:
                  inTree: true
                  webhookSkipsInTree: true
                  extra:
                    mine.yaml: |
                      apiVersion: harbormaster.dev/v1alpha1
                      kind: ValidatingPolicy
                      metadata: {name: other}
                      ---
                      apiVersion: harbormaster.dev/v1alpha1
                      kind: ValidatingPolicy
                      metadata: {name: probe-sanity}
                """);
        assertThat(render(Map.of(), values).env(env))
                .isEqualTo("disallow-latest-tag,image-pull-policy,require-probes,require-requests,termination-budget");
    }
}
