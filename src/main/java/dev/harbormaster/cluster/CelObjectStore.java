package dev.harbormaster.cluster;

import dev.harbormaster.cel.CelJson;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object as the maps CEL evaluates, trimmed to what policies
 * read ({@link ClusterObjects}), indexed by namespace: a request reads the ready-made maps and never
 * converts on the request path. The informer keeps its own typed copy, without managed fields.
 */
final class CelObjectStore<T extends HasMetadata> implements ItemStore<T> {

    private final KubernetesSerialization serialization;
    private final Map<String, T> items = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, Object>>> byNamespace = new ConcurrentHashMap<>();

    CelObjectStore(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    /** The objects of a namespace ("" for cluster-scoped ones), as CEL reads them. */
    List<Map<String, Object>> inNamespace(String namespace) {
        Map<String, Map<String, Object>> objects = byNamespace.get(namespace);
        return objects == null ? List.of() : List.copyOf(objects.values());
    }

    /** Every object held, of all namespaces. */
    List<Map<String, Object>> all() {
        return byNamespace.values().stream().flatMap(objects -> objects.values().stream()).toList();
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
        byNamespace.computeIfAbsent(namespaceOf(object), ns -> new ConcurrentHashMap<>())
                .put(object.getMetadata().getName(), ClusterObjects.trimmed(toCel(object)));
        // The informer's own copy: its managed fields are often most of its size, and nothing reads them.
        object.getMetadata().setManagedFields(null);
        return items.put(key, object);
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
