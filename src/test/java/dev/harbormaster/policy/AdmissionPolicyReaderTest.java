package dev.harbormaster.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.audit.PolicyTestRunner;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Kubernetes' own ValidatingAdmissionPolicy / MutatingAdmissionPolicy files, read and run offline. */
class AdmissionPolicyReaderTest {

    private static final CelEnvironment CEL = new CelEnvironment();
    private static final Engine ENGINE = new Engine(Engine.Mode.ENFORCE);

    /** A team's VAP with a ConfigMap of params, a binding that narrows it to labelled namespaces, and its tests. */
    static final String REPLICAS = """
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicy
            metadata: {name: max-replicas, uid: 1234, resourceVersion: "9", generation: 2}
            spec:
              failurePolicy: Fail
              paramKind: {apiVersion: v1, kind: ConfigMap}
              matchConstraints:
                matchPolicy: Exact
                resourceRules:
                - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments, statefulsets]}
              variables:
              - {name: limit, expression: "int(params.data.maxReplicas)"}
              validations:
              - expression: "object.spec.replicas <= variables.limit"
                messageExpression: "'replicas ' + string(object.spec.replicas) + ' is over ' + string(variables.limit)"
                reason: Forbidden
              - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
              auditAnnotations:
              - {key: replicas, valueExpression: "string(object.spec.replicas)"}
            status: {observedGeneration: 2}
            ---
            apiVersion: admissionregistration.k8s.io/v1
            kind: ValidatingAdmissionPolicyBinding
            metadata: {name: max-replicas-prod}
            spec:
              policyName: max-replicas
              validationActions: [Deny, Audit]
              paramRef: {name: replica-limits, namespace: policy-params, parameterNotFoundAction: Deny}
              matchResources:
                namespaceSelector: {matchLabels: {env: prod}}
                resourceRules:
                - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: ["*"]}
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: replica-limits, namespace: policy-params}
            data: {maxReplicas: "5"}
            """;

    static final String REPLICAS_TEST = """
            apiVersion: harbormaster.dev/v1alpha1
            kind: PolicyTest
            metadata: {name: max-replicas}
            spec:
              policies: [max-replicas]
              cases:
              - name: too many replicas in prod are denied with the messageExpression
                namespaceLabels: {env: prod}
                object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web, labels: {team: a}}, spec: {replicas: 7}}
                expect: {allowed: false, violations: [max-replicas], messages: ["replicas 7 is over 5"], auditAnnotations: [max-replicas, max-replicas.replicas]}
              - name: a validation without a message says the expression, as kube-apiserver does
                namespaceLabels: {env: prod}
                object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1}}
                expect: {allowed: false, messages: ["failed expression: has(object.metadata.labels) && 'team' in object.metadata.labels"]}
              - name: the binding's namespaceSelector leaves other namespaces alone
                namespaceLabels: {env: dev}
                object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 70}}
                expect: {allowed: true, violations: []}
              - name: the binding narrows the operations to CREATE
                operation: UPDATE
                namespaceLabels: {env: prod}
                object: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 70}}
                oldObject: {apiVersion: apps/v1, kind: Deployment, metadata: {name: web}, spec: {replicas: 1}}
                expect: {allowed: true, violations: []}
            """;

    private static PolicySet load(String... files) throws PolicyLoadException {
        List<PolicySource> sources = new java.util.ArrayList<>();
        for (int i = 0; i < files.length; i++) {
            sources.add(new PolicySource("team-" + i + ".yaml", files[i]));
        }
        return new PolicyLoader(CEL).load(sources, "test");
    }

    private static String loadError(String... files) {
        try {
            load(files);
        } catch (PolicyLoadException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the files to be refused");
    }

    private static AdmissionInput deployment(String operation, String namespace, Map<String, Object> spec) {
        return ManifestInput.of(operation, Map.of("apiVersion", "apps/v1", "kind", "Deployment",
                "metadata", Map.of("name", "web", "namespace", namespace, "labels", Map.of("team", "a")), "spec", spec), null, namespace, null, false);
    }

    private static ClusterView namespace(String name, Map<String, String> labels) {
        return new StaticClusterView(List.of(Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", name, "labels", labels))), null);
    }

    @Test
    void harbormasterTestRunsATeamsVapWithItsParamsAndBindingOffline() throws Exception {
        List<PolicyTestRunner.CaseResult> results = new PolicyTestRunner(CEL).run(List.of(
                new PolicySource("max-replicas.yaml", REPLICAS), new PolicySource("max-replicas.test.yaml", REPLICAS_TEST)));
        assertThat(results).hasSize(4).allSatisfy(result -> assertThat(result.failures()).as(result.name()).isEmpty());
    }

    @Test
    void theBindingsActionsAndThePoliciesFailurePolicyAreTheOnesInForce() throws Exception {
        CompiledPolicy policy = load(REPLICAS).validating().get(0);
        assertThat(policy.name()).isEqualTo("max-replicas");
        assertThat(policy.actions()).containsExactlyInAnyOrder(PolicySpec.Action.Deny, PolicySpec.Action.Audit);
        assertThat(policy.failurePolicy()).isEqualTo(PolicySpec.FailurePolicy.Fail);
        // params is the whole params object, as in kube-apiserver, looked up at each request (here among the files).
        assertThat(policy.paramLookup().fromFiles()).containsExactly(Map.of("apiVersion", "v1", "kind", "ConfigMap",
                "metadata", Map.of("name", "replica-limits", "namespace", "policy-params"), "data", Map.of("maxReplicas", "5")));
        // The binding's resources narrow the policy's: statefulsets on CREATE only.
        Verdict statefulSet = ENGINE.evaluate(ManifestInput.of("CREATE", Map.of("apiVersion", "apps/v1", "kind", "StatefulSet",
                "metadata", Map.of("name", "db", "labels", Map.of("team", "a")), "spec", Map.of("replicas", 9L)), null, "shop", null, false),
                load(REPLICAS), namespace("shop", Map.of("env", "prod")));
        assertThat(statefulSet.allowed()).isFalse();
        assertThat(statefulSet.denial().code()).isEqualTo(403);
    }

    @Test
    void aSelectorWithoutNamespaceFindsParamsPerNamespaceAndDeniesWhereThereAreNone() throws Exception {
        String policy = REPLICAS.replace("paramRef: {name: replica-limits, namespace: policy-params, parameterNotFoundAction: Deny}",
                "paramRef: {selector: {matchLabels: {policy: replicas}}, parameterNotFoundAction: Deny}")
                .replace("metadata: {name: replica-limits, namespace: policy-params}",
                        "metadata: {name: limits, namespace: shop, labels: {policy: replicas}}")
                + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: limits, namespace: bank, labels: {policy: replicas}}\ndata: {maxReplicas: \"2\"}\n";
        PolicySet set = load(policy);
        // One policy: its params are found per request, in the request's namespace.
        assertThat(set.validating()).extracting(CompiledPolicy::name).containsExactly("max-replicas");
        ClusterView prod = namespace("shop", Map.of("env", "prod"));
        assertThat(ENGINE.evaluate(deployment("CREATE", "shop", Map.of("replicas", 3L)), set, prod).allowed()).isTrue();
        Verdict bank = ENGINE.evaluate(deployment("CREATE", "bank", Map.of("replicas", 3L)), set, namespace("bank", Map.of("env", "prod")));
        assertThat(bank.denial().message()).contains("replicas 3 is over 2");
        Verdict elsewhere = ENGINE.evaluate(deployment("CREATE", "web", Map.of("replicas", 1L)), set, namespace("web", Map.of("env", "prod")));
        assertThat(elsewhere.denial().message()).contains("no params found for policy binding with `Deny` parameterNotFoundAction");
    }

    @Test
    void aMutatingAdmissionPolicyWithJsonPatchObjectsMutates() throws Exception {
        String map = """
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicy
                metadata: {name: default-replicas}
                spec:
                  paramKind: {apiVersion: v1, kind: ConfigMap}
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
                  matchConditions:
                  - {name: no-replicas, expression: "!has(object.spec.replicas)"}
                  reinvocationPolicy: IfNeeded
                  mutations:
                  - patchType: JSONPatch
                    jsonPatch:
                      expression: >-
                        [JSONPatch{op: "add", path: "/spec/replicas", value: int(params.data.replicas)},
                         JSONPatch{op: "add", path: "/metadata/labels/" + jsonpatch.escapeKey("example.com/defaulted"), value: "true"}]
                ---
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicyBinding
                metadata: {name: default-replicas}
                spec:
                  policyName: default-replicas
                  paramRef: {name: defaults, namespace: kube-system}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: defaults, namespace: kube-system}
                data: {replicas: "2"}
                """;
        PolicySet set = load(map);
        assertThat(set.mutating()).extracting(CompiledPolicy::name).containsExactly("default-replicas");
        Verdict mutated = ENGINE.mutate(deployment("CREATE", "shop", Map.of()), set, ClusterView.OFFLINE);
        assertThat(mutated.mutatedObject()).extracting("spec").isEqualTo(Map.of("replicas", 2L));
        assertThat(mutated.mutatedObject()).extracting("metadata").extracting("labels")
                .isEqualTo(Map.of("team", "a", "example.com/defaulted", "true"));
        // The match condition skips an object that has replicas.
        assertThat(ENGINE.mutate(deployment("CREATE", "shop", Map.of("replicas", 5L)), set, ClusterView.OFFLINE).patch()).isNull();
    }

    @Test
    void whatCannotBeHonouredIsRefusedAtLoadWithTheReason() {
        assertThat(loadError(REPLICAS.replace("object.spec.replicas <= variables.limit",
                "authorizer.group('apps').resource('deployments').check('scale').allowed()")))
                .contains("'authorizer' is not available");
        // Harbormaster's helpers are not in kube-apiserver: a VAP that uses one would fail there.
        assertThat(loadError(REPLICAS.replace("object.spec.replicas <= variables.limit", "workload.containers(object).size() < 3")))
                .contains("spec.validations[0].expression");
        assertThat(loadError(REPLICAS.replace("policyName: max-replicas", "policyName: other")))
                .contains("no ValidatingAdmissionPolicy named 'other'");
        assertThat(loadError(REPLICAS.replace("apiVersion: admissionregistration.k8s.io/v1\nkind: ValidatingAdmissionPolicy\n",
                "apiVersion: admissionregistration.k8s.io/v1beta1\nkind: ValidatingAdmissionPolicy\n")))
                .contains("'admissionregistration.k8s.io/v1beta1' is not admissionregistration.k8s.io/v1");
        assertThat(loadError(REPLICAS.replace("  validationActions: [Deny, Audit]\n", ""))).contains("spec.validationActions");
        assertThat(loadError(REPLICAS.replace("failurePolicy: Fail", "failurePolicy: Fail\n  typo: 1"))).contains("spec.typo").contains("unknown field");
        assertThat(loadError(REPLICAS.replace("resources: [\"*\"]", "resources: [pods]")))
                .contains("the binding would apply to nothing");
        assertThat(loadError("""
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicy
                metadata: {name: labels}
                spec:
                  matchConstraints: {resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}]}
                  mutations:
                  - patchType: ApplyConfiguration
                    jsonPatch: {expression: "[]"}
                ---
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicyBinding
                metadata: {name: labels}
                spec: {policyName: labels}
                """)).contains("spec.mutations[0]").contains("applyConfiguration.expression");
        // Every error is one line per problem, with no Java class name.
        assertThatThrownBy(() -> load(REPLICAS.replace("policyName: max-replicas", "policyName: other")))
                .hasMessageNotContaining("Exception").hasMessageNotContaining("dev.harbormaster");
    }

    @Test
    void paramsNeitherInTheFilesNorAskableInTheClusterCouldNotCheck() throws Exception {
        PolicySet set = load(REPLICAS.replace("paramRef: {name: replica-limits", "paramRef: {name: missing")
                .replace("namespaceSelector: {matchLabels: {env: prod}}", "namespaceSelector: {}"));
        assertThat(set.warnings()).anyMatch(w -> w.contains("team-0.yaml") && w.contains("spec.paramRef")
                && w.contains("ConfigMap 'missing' in namespace policy-params is not among the files read: it is looked up in the cluster"));
        Verdict verdict = ENGINE.evaluate(deployment("CREATE", "shop", Map.of("replicas", 9L)), set, ClusterView.OFFLINE);
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.results()).singleElement().satisfies(result -> {
            assertThat(result.policy()).isEqualTo("max-replicas");
            assertThat(result.outcome()).isEqualTo(dev.harbormaster.engine.PolicyResult.Outcome.UNCHECKED);
            assertThat(result.message()).isEqualTo("could not check: its params (ConfigMap 'missing' in namespace policy-params) are not"
                    + " among the files read, and the cluster cannot be asked: no cluster connection (offline)");
        });
    }

    @Test
    void eachParamsObjectASelectorFindsIsOneEvaluationNamedAfterIt() throws Exception {
        String policy = REPLICAS.replace("paramRef: {name: replica-limits, namespace: policy-params, parameterNotFoundAction: Deny}",
                        "paramRef: {selector: {matchLabels: {policy: replicas}}, namespace: policy-params}")
                .replace("metadata: {name: replica-limits, namespace: policy-params}",
                        "metadata: {name: strict, namespace: policy-params, labels: {policy: replicas}}")
                + "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: lax, namespace: policy-params, labels: {policy: replicas}}\n"
                + "data: {maxReplicas: \"8\"}\n";
        Verdict verdict = ENGINE.evaluate(deployment("CREATE", "shop", Map.of("replicas", 6L)), load(policy), namespace("shop", Map.of("env", "prod")));
        assertThat(verdict.results()).extracting(dev.harbormaster.engine.PolicyResult::policy)
                .contains("max-replicas[policy-params/strict]", "max-replicas[policy-params/lax]");
        assertThat(verdict.denial().message()).contains("replicas 6 is over 5").doesNotContain("over 8");
    }

    @Test
    void aMutatingBindingThatFindsNoParamsDeniesUnderDeny() throws Exception {
        String map = """
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicy
                metadata: {name: default-replicas}
                spec:
                  paramKind: {apiVersion: v1, kind: ConfigMap}
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
                  mutations:
                  - patchType: JSONPatch
                    jsonPatch: {expression: "[JSONPatch{op: 'add', path: '/spec/replicas', value: int(params.data.replicas)}]"}
                ---
                apiVersion: admissionregistration.k8s.io/v1beta1
                kind: MutatingAdmissionPolicyBinding
                metadata: {name: default-replicas}
                spec:
                  policyName: default-replicas
                  paramRef: {selector: {matchLabels: {defaults: replicas}}, parameterNotFoundAction: Deny}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: defaults, namespace: shop, labels: {defaults: replicas}}
                data: {replicas: "2"}
                """;
        PolicySet set = load(map);
        assertThat(ENGINE.mutate(deployment("CREATE", "shop", Map.of()), set, ClusterView.OFFLINE).mutatedObject())
                .extracting("spec").isEqualTo(Map.of("replicas", 2L));
        Verdict elsewhere = ENGINE.mutate(deployment("CREATE", "bank", Map.of()), set, ClusterView.OFFLINE);
        assertThat(elsewhere.allowed()).isFalse();
        assertThat(elsewhere.denial().message()).contains("no params found for policy binding with `Deny` parameterNotFoundAction");
    }

    @Test
    void aPolicyWithoutABindingDoesNothingAndSaysSo() throws Exception {
        PolicySet set = load(REPLICAS.substring(0, REPLICAS.indexOf("---")));
        assertThat(set.validating()).isEmpty();
        assertThat(set.warnings()).anyMatch(w -> w.contains("no ValidatingAdmissionPolicyBinding applies this policy"));
    }
}
