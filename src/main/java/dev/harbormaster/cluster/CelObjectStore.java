package dev.harbormaster.cluster;

import dev.harbormaster.cel.CelJson;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object trimmed to what policies read, and also as the maps
 * CEL evaluates, indexed by namespace: a request reads the ready-made maps, never converts on the
 * request path, and a large cluster's Deployments do not sit in memory whole.
 */
final class CelObjectStore<T extends HasMetadata> implements ItemStore<T> {

    private final UnaryOperator<T> trim;
    private final KubernetesSerialization serialization;
    private final Map<String, T> items = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, Object>>> byNamespace = new ConcurrentHashMap<>();

    CelObjectStore(UnaryOperator<T> trim, KubernetesSerialization serialization) {
        this.trim = trim;
        this.serialization = serialization;
    }

    /** The objects of a namespace ("" for cluster-scoped ones), as CEL reads them. */
    List<Map<String, Object>> inNamespace(String namespace) {
        Map<String, Map<String, Object>> objects = byNamespace.get(namespace);
        return objects == null ? List.of() : List.copyOf(objects.values());
    }

    Map<String, Object> get(String namespace, String name) {
        Map<String, Map<String, Object>> objects = byNamespace.get(namespace);
        return objects == null ? null : objects.get(name);
    }

    @Override
    public String getKey(T object) {
        return Cache.metaNamespaceKeyFunc(object);
    }

    @Override
    public T put(String key, T object) {
        T trimmed = trim.apply(object);
        byNamespace.computeIfAbsent(namespaceOf(trimmed), ns -> new ConcurrentHashMap<>())
                .put(trimmed.getMetadata().getName(), toCel(trimmed));
        return items.put(key, trimmed);
    }

    @Override
    public T remove(String key) {
        T removed = items.remove(key);
        if (removed != null) {
            Map<String, Map<String, Object>> objects = byNamespace.get(namespaceOf(removed));
            if (objects != null) {
                objects.remove(removed.getMetadata().getName());
            }
        }
        return removed;
    }

    @Override
    public Stream<String> keySet() {
        return items.keySet().stream();
    }

    @Override
    public Stream<T> values() {
        return items.values().stream();
    }

    @Override
    public int size() {
        return items.size();
    }

    @Override
    public T get(String key) {
        return items.get(key);
    }

    private static String namespaceOf(HasMetadata object) {
        String namespace = object.getMetadata().getNamespace();
        return namespace == null ? "" : namespace;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> toCel(T object) {
        return (Map<String, Object>) CelJson.parse(serialization.asJson(object));
    }
}
