package dev.harbormaster.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The matcher, as kube-apiserver matches admission policies: each row is one policy's
 * matchConstraints, one request, and whether the policy applies (it denies everything it applies to).
 */
class MatcherTest {

    private static final Map<String, Object> TEAM_NS = Map.of("apiVersion", "v1", "kind", "Namespace",
            "metadata", Map.of("name", "team", "labels", Map.of("env", "prod")));

    static Stream<Arguments> rows() {
        String pods = "resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods]}]";
        String podsStatus = "resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods/status]}]";
        String podsAll = "resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: ['pods/*']}]";
        String everything = "resourceRules: [{apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*/*']}]";
        String namespaces = "resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [namespaces]}]";
        String prodOnly = ", namespaceSelector: {matchLabels: {env: prod}}";
        String labelled = ", objectSelector: {matchLabels: {app: web}}";
        Map<String, Object> webPod = pod("p", Map.of("app", "web"));
        Map<String, Object> otherPod = pod("p", Map.of("app", "db"));
        return Stream.of(
                Arguments.of("a rule for pods matches a pod", pods, "CREATE", "", webPod, null, true),
                Arguments.of("a rule for pods does not match its status", pods, "UPDATE", "status", webPod, webPod, false),
                Arguments.of("pods/status matches the status subresource", podsStatus, "UPDATE", "status", webPod, webPod, true),
                Arguments.of("pods/status does not match the pod", podsStatus, "UPDATE", "", webPod, webPod, false),
                Arguments.of("pods/* matches any subresource", podsAll, "UPDATE", "ephemeralcontainers", webPod, webPod, true),
                Arguments.of("pods/* matches the pod itself too", podsAll, "CREATE", "", webPod, null, true),
                Arguments.of("*/* matches the pod and its subresources", everything, "UPDATE", "status", webPod, webPod, true),
                Arguments.of("a namespaceSelector reads the namespace's labels", pods + prodOnly, "CREATE", "", webPod, null, true),
                Arguments.of("a namespaceSelector refuses another namespace", pods + prodOnly, "CREATE", "", pod("p", Map.of(), "other"), null, false),
                Arguments.of("a Namespace is selected by its own labels", namespaces + prodOnly, "CREATE", "", namespace(Map.of("env", "prod")), null, true),
                Arguments.of("a Namespace without the labels is not", namespaces + prodOnly, "CREATE", "", namespace(Map.of()), null, false),
                Arguments.of("a Namespace DELETE is selected by the old object's labels", namespaces + prodOnly, "DELETE", "", null, namespace(Map.of("env", "prod")), true),
                Arguments.of("a Namespace DELETE without the labels is not", namespaces + prodOnly, "DELETE", "", null, namespace(Map.of()), false),
                Arguments.of("a cluster-scoped object is not subject to the namespaceSelector", everything + prodOnly, "CREATE", "", clusterRole(), null, true),
                Arguments.of("an objectSelector selects the object", pods + labelled, "CREATE", "", webPod, null, true),
                Arguments.of("an objectSelector refuses another object", pods + labelled, "CREATE", "", otherPod, null, false),
                Arguments.of("on UPDATE the old object's labels count too", pods + labelled, "UPDATE", "", otherPod, webPod, true),
                Arguments.of("on DELETE the old object is selected", pods + labelled, "DELETE", "", null, webPod, true),
                Arguments.of("on DELETE another old object is not", pods + labelled, "DELETE", "", null, otherPod, false),
                Arguments.of("an exclude rule wins", pods + ", excludeResourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [DELETE], resources: [pods]}]",
                        "DELETE", "", null, webPod, false),
                Arguments.of("scope Cluster refuses a namespaced pod",
                        "resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods], scope: Cluster}]", "CREATE", "", webPod, null, false),
                Arguments.of("scope Namespaced takes a namespaced pod",
                        "resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: ['*'], resources: [pods], scope: Namespaced}]", "CREATE", "", webPod, null, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void matches(String row, String constraints, String operation, String subResource, Map<String, Object> object,
                 Map<String, Object> oldObject, boolean applies) throws Exception {
        String policy = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: deny-all}
                spec:
                  validationActions: [Deny]
                  matchConstraints: {%s}
                  validations: [{expression: 'false', message: matched}]
                """.formatted(constraints);
        PolicySet set = new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("m.yaml", policy)), "test");
        AdmissionInput input = withSubResource(dev.harbormaster.audit.ManifestInput.of(operation, object, oldObject, "team", null, false), subResource);
        ClusterView cluster = new StaticClusterView(List.of(TEAM_NS), null);

        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(input, set, cluster);

        assertThat(verdict.allowed()).as(row).isEqualTo(!applies);
    }

    private static AdmissionInput withSubResource(AdmissionInput input, String subResource) {
        return new AdmissionInput(input.uid(), input.operation(), input.kind(), input.resource(), subResource, input.namespace(),
                input.name(), input.object(), input.oldObject(), input.request(), input.dryRun());
    }

    private static Map<String, Object> pod(String name, Map<String, Object> labels) {
        return pod(name, labels, "team");
    }

    private static Map<String, Object> pod(String name, Map<String, Object> labels, String namespace) {
        Map<String, Object> metadata = new HashMap<>(Map.of("name", name, "namespace", namespace, "labels", labels));
        return Map.of("apiVersion", "v1", "kind", "Pod", "metadata", metadata, "spec", Map.of("containers", List.of()));
    }

    private static Map<String, Object> namespace(Map<String, Object> labels) {
        return Map.of("apiVersion", "v1", "kind", "Namespace", "metadata", Map.of("name", "fresh", "labels", labels));
    }

    private static Map<String, Object> clusterRole() {
        return Map.of("apiVersion", "rbac.authorization.k8s.io/v1", "kind", "ClusterRole", "metadata", Map.of("name", "reader"));
    }
}
