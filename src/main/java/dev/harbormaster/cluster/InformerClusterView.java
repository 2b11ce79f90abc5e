package dev.harbormaster.cluster;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * The ClusterView of a running cluster: one informer (list + watch, cached) per kind the policies
 * look up. Requests only read the caches. Until every informer has synced, the view says so and
 * the policies that need it warn instead of deciding.
 */
public final class InformerClusterView implements ClusterView, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(InformerClusterView.class);

    private final Map<String, SharedIndexInformer<?>> informers = new LinkedHashMap<>();
    private final CelObjectStore<Namespace> namespaces;
    private final CelObjectStore<PodDisruptionBudget> pdbs;
    private final CelObjectStore<HorizontalPodAutoscaler> hpas;
    private final CelObjectStore<Deployment> deployments;
    private final CelObjectStore<StatefulSet> statefulSets;
    private volatile String serverVersion;
    private final KubernetesClient client;
    /** The params kinds bindings asked for ("apiVersion/kind"), each watched from its first ask; apart from {@link #informers}, whose sync gates every cluster rule. */
    private final Map<String, ParamsKind> paramsKinds = new java.util.concurrent.ConcurrentHashMap<>();

    /** A params kind's cache, once its informer could be started. */
    private static final class ParamsKind {
        volatile CelObjectStore<io.fabric8.kubernetes.api.model.GenericKubernetesResource> store;
        volatile SharedIndexInformer<io.fabric8.kubernetes.api.model.GenericKubernetesResource> informer;
        /** Set when it could not be started: the next ask tries again. */
        volatile boolean failed;
    }

    public InformerClusterView(KubernetesClient client) {
        this.client = client;
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            Optional<String> version = majorMinor(client.getKubernetesVersion());
            if (version.isEmpty()) {
                LOG.warn("the API server's /version gives no major and minor version (mutations assume a current one)");
                return;
            }
            serverVersion = version.get();
            LOG.infof("API server version %s", serverVersion);
        }).exceptionally(error -> {
            LOG.warnf("cannot read the API server version (mutations assume a current one): %s", error.getMessage());
            return null;
        });
        namespaces = start("namespaces", client.namespaces().runnableInformer(0), client);
        pdbs = start("poddisruptionbudgets", client.policy().v1().podDisruptionBudget().inAnyNamespace().runnableInformer(0), client);
        hpas = start("horizontalpodautoscalers", client.autoscaling().v2().horizontalPodAutoscalers().inAnyNamespace().runnableInformer(0), client);
        deployments = start("deployments", client.apps().deployments().inAnyNamespace().runnableInformer(0), client);
        statefulSets = start("statefulsets", client.apps().statefulSets().inAnyNamespace().runnableInformer(0), client);
    }

    /** "1.34" from /version's major "1" and minor "34+" (as managed clusters give it); empty when either is missing. */
    static Optional<String> majorMinor(VersionInfo version) {
        if (version == null || version.getMajor() == null || version.getMinor() == null) {
            return Optional.empty();
        }
        String major = version.getMajor().replaceAll("[^0-9]", "");
        String minor = version.getMinor().replaceAll("[^0-9]", "");
        return major.isEmpty() || minor.isEmpty() ? Optional.empty() : Optional.of(major + "." + minor);
    }

    private <T extends HasMetadata> CelObjectStore<T> start(String resource, SharedIndexInformer<T> informer, KubernetesClient client) {
        CelObjectStore<T> store = new CelObjectStore<>(client.getKubernetesSerialization());
        informer.itemStore(store);
        informer.start().whenComplete((ignored, error) -> {
            if (error != null) {
                LOG.warnf("cannot watch %s yet (policies that need them warn until it works): %s", resource, error.getMessage());
            } else {
                LOG.infof("watching %s: %d in cache", resource, store.size());
            }
        });
        informers.put(resource, informer);
        return store;
    }

    /** Sync state per resource, for readiness and metrics. */
    public Map<String, Boolean> synced() {
        Map<String, Boolean> synced = new LinkedHashMap<>();
        informers.forEach((resource, informer) -> synced.put(resource, informer.hasSynced()));
        return synced;
    }

    @Override
    public Optional<String> unavailable() {
        List<String> pending = new ArrayList<>();
        synced().forEach((resource, done) -> {
            if (!done) {
                pending.add(resource);
            }
        });
        return pending.isEmpty() ? Optional.empty()
                : Optional.of("the cluster cache is not synced yet (" + String.join(", ", pending) + ")");
    }

    @Override
    public Optional<String> serverVersion() {
        return Optional.ofNullable(serverVersion);
    }

    @Override
    public Optional<Map<String, Object>> namespace(String name) {
        return Optional.ofNullable(namespaces.get("", name));
    }

    @Override
    public List<Map<String, Object>> podDisruptionBudgets(String namespace) {
        return pdbs.inNamespace(namespace);
    }

    @Override
    public List<Map<String, Object>> horizontalPodAutoscalers(String namespace) {
        return hpas.inNamespace(namespace);
    }

    @Override
    public List<Map<String, Object>> workloads(String namespace) {
        List<Map<String, Object>> workloads = new ArrayList<>(deployments.inNamespace(namespace));
        workloads.addAll(statefulSets.inNamespace(namespace));
        return workloads;
    }

    /**
     * The objects of a params kind, once its informer has synced. The first ask starts it off the
     * calling thread (finding the kind's resource may need API discovery), so a request never waits on
     * the API server; until it syncs, the answer is empty.
     */
    @Override
    public Optional<List<Map<String, Object>>> objects(String apiVersion, String kind) {
        ParamsKind watched = paramsKinds.computeIfAbsent(apiVersion + "/" + kind, key -> {
            ParamsKind started = new ParamsKind();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                SharedIndexInformer<io.fabric8.kubernetes.api.model.GenericKubernetesResource> informer =
                        client.genericKubernetesResources(apiVersion, kind).inAnyNamespace().runnableInformer(0);
                CelObjectStore<io.fabric8.kubernetes.api.model.GenericKubernetesResource> store = new CelObjectStore<>(client.getKubernetesSerialization());
                informer.itemStore(store);
                started.store = store;
                started.informer = informer;
                informer.start().whenComplete((ignored, error) -> {
                    if (error != null) {
                        LOG.warnf("cannot watch params %s %s yet (their policies could not check until it works): %s", apiVersion, kind, error.getMessage());
                    } else {
                        LOG.infof("watching params %s %s: %d in cache", apiVersion, kind, store.size());
                    }
                });
            }).exceptionally(error -> {
                LOG.warnf("cannot watch params %s %s (their policies could not check): %s", apiVersion, kind, error.getMessage());
                started.failed = true;
                return null;
            });
            return started;
        });
        if (watched.failed) {
            paramsKinds.remove(apiVersion + "/" + kind, watched);
        }
        SharedIndexInformer<?> informer = watched.informer;
        return informer != null && informer.hasSynced() ? Optional.of(watched.store.all()) : Optional.empty();
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        paramsKinds.values().stream().filter(kind -> kind.informer != null).forEach(kind -> kind.informer.stop());
    }
}
