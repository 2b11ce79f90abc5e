package dev.harbormaster.audit;

import dev.harbormaster.policy.BuiltInTypes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The kinds Kubernetes' built-in API groups serve, by apiVersion ({@link BuiltInTypes}), so that the CLI can say when a manifest names one that the API server would
 * refuse: {@code extensions/v1beta1 DaemonSet} (removed in 1.16), {@code v1 PodDisruptionBudget}
 * (a kind of policy/v1). A group that is not built in is a custom resource's, and not second-guessed.
 */
final class BuiltInKinds {

    private static final Map<String, Set<String>> BY_API_VERSION = BuiltInTypes.KINDS_BY_API_VERSION;

    /** Groups that are built in but serve none of the kinds above any more (all of extensions/ was removed by 1.22). */
    private static final Set<String> RETIRED_GROUPS = Set.of("extensions");

    private BuiltInKinds() {
    }

    /** Whether the apiVersion is of a built-in group (core, apps, …): a custom resource's group is not. */
    static boolean builtInGroup(String apiVersion) {
        String group = group(apiVersion);
        return RETIRED_GROUPS.contains(group) || BY_API_VERSION.keySet().stream().anyMatch(v -> group(v).equals(group));
    }

    /**
     * Why the API server would not take this kind at this apiVersion, naming where the kind is
     * served; empty when it is served, or when the group is not built in. The caller passes the
     * values from the file already made printable (PolicyLoader.printable), so the notice is one line.
     */
    static Optional<String> problem(String apiVersion, String kind) {
        if (!builtInGroup(apiVersion) || BY_API_VERSION.getOrDefault(apiVersion, Set.of()).contains(kind)) {
            return Optional.empty();
        }
        List<String> servedAt = BY_API_VERSION.entrySet().stream().filter(e -> e.getValue().contains(kind)).map(Map.Entry::getKey)
                .sorted().toList();
        return Optional.of(apiVersion + " " + kind + " is not served by Kubernetes"
                + (servedAt.isEmpty() ? " (no built-in group has this kind)" : "; " + kind + " is at " + String.join(", ", servedAt)));
    }

    private static String group(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }
}
