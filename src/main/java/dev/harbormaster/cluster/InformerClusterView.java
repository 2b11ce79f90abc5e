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

    public InformerClusterView(KubernetesClient client) {
        java.util.concurrent.CompletableFuture.runAsync(() -> {
            VersionInfo version = client.getKubernetesVersion();
            serverVersion = version.getMajor().replaceAll("[^0-9]", "") + "." + version.getMinor().replaceAll("[^0-9]", "");
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

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::stop);
    }
}
