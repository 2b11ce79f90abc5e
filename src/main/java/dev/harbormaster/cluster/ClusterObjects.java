package dev.harbormaster.cluster;

import dev.harbormaster.cel.CelJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * What policies see of an object the cluster holds: the one trimming both views apply (the
 * informers' caches and the objects given to the CLI or a policy test), so that a rule reads the
 * same fields in the server and offline. Managed fields and the last-applied annotation go from
 * every object (they are most of its size and no rule reads them); a Deployment or StatefulSet keeps
 * its metadata, {@code spec.replicas}, {@code spec.selector} and its pod template's metadata, which
 * is what the disruption rules read.
 */
public final class ClusterObjects {

    /** The kinds a ClusterView holds. */
    static final Set<String> KINDS = Set.of("Namespace", "PodDisruptionBudget", "HorizontalPodAutoscaler", "Deployment", "StatefulSet");

    private static final Set<String> WORKLOADS = Set.of("Deployment", "StatefulSet");

    private ClusterObjects() {
    }

    /** A trimmed copy; the object given is not changed. */
    static Map<String, Object> trimmed(Map<String, Object> object) {
        Map<String, Object> copy = new LinkedHashMap<>(object);
        Map<String, Object> metadata = CelJson.map(object, "metadata");
        if (metadata != null) {
            Map<String, Object> cleanMetadata = new LinkedHashMap<>(metadata);
            cleanMetadata.remove("managedFields");
            Map<String, Object> annotations = CelJson.map(metadata, "annotations");
            if (annotations != null && annotations.containsKey("kubectl.kubernetes.io/last-applied-configuration")) {
                Map<String, Object> cleanAnnotations = new LinkedHashMap<>(annotations);
                cleanAnnotations.remove("kubectl.kubernetes.io/last-applied-configuration");
                cleanMetadata.put("annotations", cleanAnnotations);
            }
            copy.put("metadata", cleanMetadata);
        }
        if (!WORKLOADS.contains(String.valueOf(object.get("kind")))) {
            return copy;
        }
        copy.remove("status");
        Map<String, Object> spec = CelJson.map(object, "spec");
        if (spec != null) {
            Map<String, Object> kept = new LinkedHashMap<>();
            for (String field : new String[] {"replicas", "selector"}) {
                if (spec.containsKey(field)) {
                    kept.put(field, spec.get(field));
                }
            }
            Map<String, Object> templateMetadata = CelJson.map(CelJson.map(spec, "template"), "metadata");
            if (templateMetadata != null) {
                kept.put("template", Map.of("metadata", templateMetadata));
            }
            copy.put("spec", kept);
        }
        return copy;
    }
}
