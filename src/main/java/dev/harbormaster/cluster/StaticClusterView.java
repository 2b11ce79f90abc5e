package dev.harbormaster.cluster;

import dev.harbormaster.cel.CelJson;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A cluster described by a fixed list of objects (Namespaces, PodDisruptionBudgets,
 * HorizontalPodAutoscalers, Deployments, StatefulSets): for policy tests and offline audits that
 * are given the cluster's state. Objects of other kinds are ignored; the others are trimmed as the
 * informers trim them ({@link ClusterObjects}), so a rule sees the same fields here as in the server.
 */
public final class StaticClusterView implements ClusterView {

    private final List<Map<String, Object>> objects;
    private final String serverVersion;

    /** @param serverVersion {@code major.minor}, or null when not known */
    public StaticClusterView(List<Map<String, Object>> objects, String serverVersion) {
        this.objects = objects.stream().filter(o -> ClusterObjects.KINDS.contains(String.valueOf(o.get("kind"))))
                .map(ClusterObjects::trimmed).toList();
        this.serverVersion = serverVersion;
    }

    @Override
    public Optional<String> serverVersion() {
        return Optional.ofNullable(serverVersion);
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public Optional<Map<String, Object>> namespace(String name) {
        return objects.stream().filter(o -> "Namespace".equals(o.get("kind")) && name.equals(name(o))).findFirst();
    }

    @Override
    public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
        return inNamespace(namespace, "PodDisruptionBudget");
    }

    @Override
    public List<Map<String, Object>> horizontalPodAutoscalers(String namespace) {
        return inNamespace(namespace, "HorizontalPodAutoscaler");
    }

    @Override
    public List<Map<String, Object>> workloads(String namespace) {
        return objects.stream()
                .filter(o -> ("Deployment".equals(o.get("kind")) || "StatefulSet".equals(o.get("kind"))) && inNamespace(o, namespace))
                .toList();
    }

    private List<Map<String, Object>> inNamespace(String namespace, String kind) {
        return objects.stream().filter(o -> kind.equals(o.get("kind")) && inNamespace(o, namespace)).toList();
    }

    private static boolean inNamespace(Map<String, Object> object, String namespace) {
        String own = CelJson.string(CelJson.map(object, "metadata"), "namespace");
        return namespace.equals(own == null ? "default" : own);
    }

    private static String name(Map<String, Object> object) {
        return CelJson.string(CelJson.map(object, "metadata"), "name");
    }
}
