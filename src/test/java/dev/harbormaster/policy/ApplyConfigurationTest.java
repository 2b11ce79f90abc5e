package dev.harbormaster.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * MutatingAdmissionPolicy {@code patchType: ApplyConfiguration}, read from MAP files and merged as
 * kube-apiserver merges it (structured-merge-diff, with its refusal of atomic values).
 */
class ApplyConfigurationTest {

    private static final CelEnvironment CEL = new CelEnvironment();
    private static final Engine ENGINE = new Engine(Engine.Mode.ENFORCE);

    /** A MAP on Pods with one ApplyConfiguration mutation, and its binding. */
    private static String policy(String expression) {
        return """
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicy
                metadata: {name: apply}
                spec:
                  matchConstraints:
                    matchPolicy: Exact
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
                  failurePolicy: Fail
                  mutations:
                  - patchType: ApplyConfiguration
                    applyConfiguration:
                      expression: >-
                        %s
                ---
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicyBinding
                metadata: {name: apply}
                spec: {policyName: apply}
                """.formatted(expression.replace("\n", "\n            "));
    }

    private static PolicySet load(String file) throws PolicyLoadException {
        return new PolicyLoader(CEL).load(List.of(new PolicySource("map.yaml", file)), "test");
    }

    private static String loadError(String file) {
        try {
            load(file);
        } catch (PolicyLoadException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the file to be refused");
    }

    private static final Map<String, Object> POD = Map.of("apiVersion", "v1", "kind", "Pod",
            "metadata", Map.of("name", "web", "namespace", "shop", "labels", Map.of("app", "web")),
            "spec", Map.of(
                    "containers", List.of(
                            Map.of("name", "app", "image", "shop:1",
                                    "ports", List.of(Map.of("containerPort", 80L)),
                                    "env", List.of(Map.of("name", "A", "value", "1"), Map.of("name", "B", "value", "2"))),
                            Map.of("name", "log", "image", "fluent:2")),
                    "initContainers", List.of(Map.of("name", "migrate", "image", "shop:1")),
                    "tolerations", List.of(Map.of("key", "spot", "operator", "Exists"))));

    private static Verdict mutate(String expression) throws PolicyLoadException {
        return ENGINE.mutate(ManifestInput.of("CREATE", POD, null, "shop", null, false), load(policy(expression)), ClusterView.OFFLINE);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> spec(Verdict verdict) {
        assertThat(verdict.mutatedObject()).as("mutated; denial: %s", verdict.denial()).isNotNull();
        return (Map<String, Object>) verdict.mutatedObject().get("spec");
    }

    @Test
    void theDocsSidecarExampleIsRefusedAsKubeApiserverRefusesItsAtomicArgs() throws Exception {
        // Kubernetes' MAP docs inject this init container; kube-apiserver denies it, as its args list is
        // atomic (kyverno/kyverno#15094 shows the same denial from a kind 1.35 cluster).
        Verdict verdict = mutate("""
                Object{
                  spec: Object.spec{
                    initContainers: [
                      Object.spec.initContainers{
                        name: "mesh-proxy",
                        image: "mesh/proxy:v1.0.0",
                        args: ["proxy", "sidecar"],
                        restartPolicy: "Always"
                      }
                    ]
                  }
                }""");
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.denial().message()).contains("error applying patch: invalid ApplyConfiguration: may not mutate atomic arrays,"
                + " maps or structs: .spec.initContainers[0].args");
    }

    @Test
    void theSidecarWithoutAtomicFieldsJoinsTheInitContainersByName() throws Exception {
        Map<String, Object> spec = spec(mutate("""
                Object{spec: Object.spec{initContainers: [
                  Object.spec.initContainers{name: "mesh-proxy", image: "mesh/proxy:v1.0.0", restartPolicy: "Always"}]}}"""));
        assertThat(spec.get("initContainers")).isEqualTo(List.of(Map.of("name", "migrate", "image", "shop:1"),
                Map.of("name", "mesh-proxy", "image", "mesh/proxy:v1.0.0", "restartPolicy", "Always")));
        // Everything the configuration does not name stays as it was.
        assertThat(spec.get("containers")).isEqualTo(((Map<?, ?>) POD.get("spec")).get("containers"));
        assertThat(spec.get("tolerations")).isEqualTo(((Map<?, ?>) POD.get("spec")).get("tolerations"));
    }

    @Test
    void labelsMergeIntoTheExistingOnes() throws Exception {
        Verdict verdict = mutate("Object{metadata: Object.metadata{labels: {\"environment\": \"production\"}}}");
        assertThat(verdict.mutatedObject()).extracting("metadata").extracting("labels")
                .isEqualTo(Map.of("app", "web", "environment", "production"));
        // The change reaches kube-apiserver as the AdmissionReview's JSONPatch, made as a JSONPatch mutation's is.
        assertThat(verdict.patch().toString()).contains("\"path\":\"/metadata/labels/environment\"");
    }

    @Test
    void keyedListsMergeItemByItemKeepingTheirOrder() throws Exception {
        Map<String, Object> spec = spec(mutate("""
                Object{spec: Object.spec{containers: [
                  Object.spec.containers{name: "app",
                    ports: [Object.spec.containers.ports{containerPort: 80, protocol: "TCP", name: "http"}],
                    env: [Object.spec.containers.env{name: "B", value: "3"}, Object.spec.containers.env{name: "C", value: "4"}],
                    resources: Object.spec.containers.resources{requests: {"cpu": "100m"}}}]}}"""));
        List<?> containers = (List<?>) spec.get("containers");
        assertThat(containers).hasSize(2);
        Map<?, ?> app = (Map<?, ?>) containers.get(0);
        assertThat(app.get("name")).isEqualTo("app");
        assertThat(app.get("image")).isEqualTo("shop:1");
        // ports are keyed by containerPort and protocol (TCP when absent): the existing port gains its name.
        assertThat(app.get("ports")).isEqualTo(List.of(Map.of("containerPort", 80L, "protocol", "TCP", "name", "http")));
        // env by name: B replaced in place, C appended, A kept.
        assertThat(app.get("env")).isEqualTo(List.of(Map.of("name", "A", "value", "1"), Map.of("name", "B", "value", "3"),
                Map.of("name", "C", "value", "4")));
        assertThat(app.get("resources")).isEqualTo(Map.of("requests", Map.of("cpu", "100m")));
        assertThat(containers.get(1)).isEqualTo(Map.of("name", "log", "image", "fluent:2"));
    }

    @Test
    void atomicListsMapsAndStructsAreRefusedWithTheirPath() throws Exception {
        assertThat(mutate("Object{spec: Object.spec{tolerations: [Object.spec.tolerations{key: \"gpu\", operator: \"Exists\"}]}}")
                .denial().message()).contains("may not mutate atomic arrays, maps or structs: .spec.tolerations");
        assertThat(mutate("Object{spec: Object.spec{nodeSelector: {\"disk\": \"ssd\"}}}").denial().message())
                .contains("may not mutate atomic arrays, maps or structs: .spec.nodeSelector");
        assertThat(mutate("""
                Object{spec: Object.spec{containers: [Object.spec.containers{name: "app", env: [Object.spec.containers.env{name: "NODE",
                  valueFrom: Object.spec.containers.env.valueFrom{fieldRef: Object.spec.containers.env.valueFrom.fieldRef{fieldPath: "spec.nodeName"}}}]}]}}""")
                .denial().message()).contains("may not mutate atomic arrays, maps or structs: .spec.containers[0].env[0].valueFrom.fieldRef");
        // A list without schema here is atomic, as structured-merge-diff treats a list it has no schema for.
        assertThat(mutate("Object{spec: Object.spec{extra: [1, 2]}}").denial().message())
                .contains("may not mutate atomic arrays, maps or structs: .spec.extra");
        // A null scalar or atomic list leaves the field unset; a null keyed list changes nothing.
        Map<String, Object> spec = spec(mutate("Object{spec: Object.spec{tolerations: null, initContainers: null, hostname: \"h\"}}"));
        assertThat(spec).doesNotContainKey("tolerations").containsEntry("hostname", "h")
                .containsEntry("initContainers", ((Map<?, ?>) POD.get("spec")).get("initContainers"));
    }

    @Test
    void aMisnamedObjectFailsAtRunTimeAsInKubeApiserver() throws Exception {
        // Through a variable the literal is not nested in the text, so only evaluation sees its name.
        Verdict verdict = mutate("cel.bind(t, Object.spec.wrong{hostname: \"h\"}, Object{spec: t})");
        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.denial().message()).contains("type mismatch: unexpected type name \"Object.spec.wrong\", expected \"Object.spec\"");
    }

    @Test
    void aBadExpressionIsRefusedAtLoadWithOneLinePointingAtTheField() {
        List<String> errors = new ArrayList<>();
        errors.add(loadError(policy("{\"spec\": {\"hostname\": \"h\"}}")));
        errors.add(loadError(policy("Object{spec: Object.metadata{name: \"x\"}}")));
        errors.add(loadError(policy("Pod{spec: 1}")));
        errors.add(loadError(policy("Object{spec: Object.spec{hostname: object.spec.nodeName +}}")));
        assertThat(errors.get(0)).contains("must evaluate to an Object");
        assertThat(errors.get(1)).contains("Object.metadata{…} is the value of Object's field 'spec': its type must be named Object.spec");
        assertThat(errors.get(2)).contains("undeclared reference to 'Pod'");
        assertThat(errors).allSatisfy(error -> {
            assertThat(error).contains("map.yaml").contains("spec.mutations[0].applyConfiguration.expression")
                    .doesNotContain("Exception").doesNotContain("dev.harbormaster").doesNotContain("hm_object_literal");
            assertThat(error.lines().filter(line -> line.contains("spec.mutations[0]")).count()).isEqualTo(1);
        });
    }
}
