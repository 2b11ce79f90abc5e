package dev.harbormaster.cluster;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The read-only facts about the cluster that a policy may need and that are not in the request.
 * In a cluster it is backed by informer caches, never by a live API call on the request path;
 * offline it is {@link #OFFLINE}. Objects come as CEL reads them (maps and lists).
 */
public interface ClusterView {

    /** Knows nothing, and says so: for evaluation without a cluster. */
    ClusterView OFFLINE = new ClusterView() {
        @Override
        public Optional<String> unavailable() {
            return Optional.of("no cluster connection (offline)");
        }
    };

    /**
     * Why the view cannot answer for the cluster (no connection, caches not yet synced), or empty when
     * it can. Policies that read it are then not enforced: they warn that they could not check.
     */
    Optional<String> unavailable();

    /** The API server's version as {@code major.minor} (e.g. {@code 1.34}), when known. */
    default Optional<String> serverVersion() {
        return Optional.empty();
    }

    /** The Namespace object of that name, when the view knows it. */
    default Optional<Map<String, Object>> namespace(String name) {
        return Optional.empty();
    }

    /** The PodDisruptionBudgets (policy/v1) of a namespace. */
    default List<Map<String, Object>> podDisruptionBudgets(String namespace) {
        return List.of();
    }

    /** The HorizontalPodAutoscalers (autoscaling/v2) of a namespace. */
    default List<Map<String, Object>> horizontalPodAutoscalers(String namespace) {
        return List.of();
    }

    /**
     * The Deployments and StatefulSets of a namespace, trimmed to what disruption rules need:
     * metadata (name, namespace, labels), {@code spec.replicas}, {@code spec.selector} and the pod
     * template's labels.
     */
    default List<Map<String, Object>> workloads(String namespace) {
        return List.of();
    }

    /**
     * Every object of a kind, in all namespaces: the params objects a ValidatingAdmissionPolicy's or
     * MutatingAdmissionPolicy's binding names by its paramRef. Empty when the view cannot answer for
     * the kind (offline, or its cache has not synced yet): the caller then falls back to the params
     * given in files, or could not check. The first ask for a kind may start watching it.
     */
    default Optional<List<Map<String, Object>>> objects(String apiVersion, String kind) {
        return Optional.empty();
    }
}
