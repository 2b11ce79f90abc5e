package dev.harbormaster.engine;

import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.MatchCriteria;
import dev.harbormaster.policy.PolicySet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which policies apply to a request, decided on its attributes and labels before any CEL runs, as
 * kube-apiserver matches admission policies: resource rules (operations, groups, versions,
 * resources and subresources, scope, excludes; indexed by the policy set), then the namespace
 * selector and the object selector.
 */
final class Matcher {

    private Matcher() {
    }

    static List<CompiledPolicy> validating(PolicySet policies, AdmissionInput input, Map<String, Object> namespaceObject) {
        return selected(validatingCandidates(policies, input), input, namespaceObject);
    }

    /** The validating policies whose resource rules match the request, before their selectors. */
    static List<CompiledPolicy> validatingCandidates(PolicySet policies, AdmissionInput input) {
        return policies.validatingFor(attributes(input));
    }

    static List<CompiledPolicy> mutating(PolicySet policies, AdmissionInput input) {
        return policies.mutatingFor(attributes(input));
    }

    /** The selectors of one policy whose resource rules match (mutating policies re-check them on the object as mutated). */
    static boolean selects(MatchCriteria match, AdmissionInput input, Map<String, Object> namespaceObject) {
        return namespaceSelected(match, input, namespaceObject) && objectSelected(match, input);
    }

    private static List<CompiledPolicy> selected(List<CompiledPolicy> candidates, AdmissionInput input, Map<String, Object> namespaceObject) {
        List<CompiledPolicy> selected = new ArrayList<>(candidates.size());
        for (CompiledPolicy policy : candidates) {
            if (selects(policy.match(), input, namespaceObject)) {
                selected.add(policy);
            }
        }
        return selected;
    }

    private static MatchCriteria.Request attributes(AdmissionInput input) {
        return new MatchCriteria.Request(input.operation(), input.resource().group(), input.resource().version(),
                input.resource().resource(), input.subResource(), input.name(), input.namespaced());
    }

    /**
     * A cluster-scoped object other than a Namespace is not subject to the namespace selector. A
     * Namespace is selected by its own labels: the object's, or on DELETE the old object's (which
     * is what kube-apiserver's namespace lister holds). Anything else by its namespace's labels.
     */
    private static boolean namespaceSelected(MatchCriteria match, AdmissionInput input, Map<String, Object> namespaceObject) {
        if (input.isNamespace()) {
            return match.namespaceSelector().test(labels("DELETE".equals(input.operation()) ? input.oldObject() : input.object()));
        }
        return !input.namespaced() || match.namespaceSelector().test(labels(namespaceObject));
    }

    /** As kube-apiserver: the selector must select the object or the old object, whichever are present. */
    private static boolean objectSelected(MatchCriteria match, AdmissionInput input) {
        if (input.object() == null && input.oldObject() == null) {
            return match.objectSelector().test(Map.of());
        }
        return input.object() != null && match.objectSelector().test(labels(input.object()))
                || input.oldObject() != null && match.objectSelector().test(labels(input.oldObject()));
    }

    /** The namespace as the view knows it, or what every namespace has: its name as a label. Null for cluster-scoped requests. */
    static Map<String, Object> namespaceObject(AdmissionInput input, ClusterView cluster) {
        if (!input.namespaced()) {
            return null;
        }
        return cluster.namespace(input.namespace()).orElseGet(() -> Map.of(
                "apiVersion", "v1",
                "kind", "Namespace",
                "metadata", Map.of("name", input.namespace(),
                        "labels", Map.of("kubernetes.io/metadata.name", input.namespace()))));
    }

    private static Map<?, ?> labels(Map<String, Object> object) {
        Map<String, Object> labels = CelJson.map(CelJson.map(object, "metadata"), "labels");
        return labels == null ? Map.of() : labels;
    }
}
