package dev.harbormaster.cluster;

import java.util.Map;
import java.util.Optional;

/**
 * The read-only facts about the cluster that a policy may need and that are not in the request.
 * In a cluster it is backed by informer caches, never by a live API call on the request path;
 * offline it is {@link #EMPTY}.
 */
public interface ClusterView {

    /** Knows nothing: for offline evaluation and before a cluster connection exists. */
    ClusterView EMPTY = name -> Optional.empty();

    /** The Namespace object of that name, as the API server returns it, when the view knows it. */
    Optional<Map<String, Object>> namespace(String name);
}
