package dev.harbormaster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A ValidatingAdmissionPolicy binding's paramRef resolved from the cluster (the mock server in CRUD mode) at each request. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class ClusterParamsTest {

    private static final Engine ENGINE = new Engine(Engine.Mode.ENFORCE);

    @Inject
    ClusterView view;

    @Inject
    KubernetesClient client;

    private static String policy(String paramRef) {
        return """
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicy
                metadata: {name: max-replicas}
                spec:
                  paramKind: {apiVersion: v1, kind: ConfigMap}
                  matchConstraints:
                    matchPolicy: Exact
                    resourceRules:
                    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
                  validations:
                  - expression: "object.spec.replicas <= int(params.data.max)"
                    messageExpression: "'replicas ' + string(object.spec.replicas) + ' is over ' + params.data.max"
                ---
                apiVersion: admissionregistration.k8s.io/v1
                kind: ValidatingAdmissionPolicyBinding
                metadata: {name: max-replicas}
                spec:
                  policyName: max-replicas
                  validationActions: [Deny]
                  paramRef: %s
                """.formatted(paramRef);
    }

    private static PolicySet load(String... files) throws Exception {
        List<PolicySource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            sources.add(new PolicySource("vap-" + i + ".yaml", files[i]));
        }
        return new PolicyLoader(new CelEnvironment()).load(sources, "test");
    }

    private static AdmissionInput deployment(String namespace, long replicas) {
        return ManifestInput.of("CREATE", Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "web", "namespace", namespace), "spec", Map.of("replicas", replicas)), null, namespace, null, false);
    }

    private void limit(String namespace, String name, String max) {
        client.configMaps().inNamespace(namespace).resource(new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(namespace)
                .addToLabels("policy", "replicas").endMetadata().addToData("max", max).build()).createOr(existing -> existing.update());
    }

    private String denial(PolicySet set, AdmissionInput input) {
        Verdict verdict = ENGINE.evaluate(input, set, view);
        return verdict.denial() == null ? "allowed: " + verdict.results() : verdict.denial().message();
    }

    @Test
    void theParamsAreTheClustersAndFollowItsChanges() throws Exception {
        PolicySet set = load(policy("{name: limits, namespace: policy-a, parameterNotFoundAction: Deny}"));
        limit("policy-a", "limits", "3");
        await().atMost(Duration.ofSeconds(20)).until(() -> denial(set, deployment("shop", 5)).contains("replicas 5 is over 3"));
        limit("policy-a", "limits", "10");
        await().atMost(Duration.ofSeconds(20)).until(() -> denial(set, deployment("shop", 5)).startsWith("allowed"));
        client.configMaps().inNamespace("policy-a").withName("limits").delete();
        await().atMost(Duration.ofSeconds(20)).until(() -> denial(set, deployment("shop", 5))
                .contains("no params found for policy binding with `Deny` parameterNotFoundAction"));
    }

    @Test
    void theClusterComesBeforeTheFilesAndASelectorWithoutNamespaceLooksInTheRequestsOne() throws Exception {
        String file = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: limits, namespace: bank, labels: {policy: replicas}}
                data: {max: "100"}
                """;
        PolicySet set = load(policy("{selector: {matchLabels: {policy: replicas}}, parameterNotFoundAction: Allow}"), file);
        limit("bank", "limits", "2");
        limit("shop", "limits", "4");
        await().atMost(Duration.ofSeconds(20)).until(() -> denial(set, deployment("bank", 3)).contains("replicas 3 is over 2"));
        assertThat(denial(set, deployment("shop", 3))).startsWith("allowed");
        assertThat(denial(set, deployment("shop", 5))).contains("replicas 5 is over 4");
        // No params in the namespace, and Allow: the binding lets the request pass.
        assertThat(denial(set, deployment("web", 50))).startsWith("allowed");
    }
}
