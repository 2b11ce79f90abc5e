package dev.harbormaster.cluster;

import dev.harbormaster.config.HarbormasterConfig;
import dev.harbormaster.policy.ClusterPolicies;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

/**
 * Chooses the ClusterView: informers when there is a cluster to watch, offline otherwise.
 * {@code harbormaster.cluster.enabled=auto} (the default) watches when running in a pod or when an
 * API server URL is configured ({@code quarkus.kubernetes-client.api-server-url} or fabric8's
 * {@code kubernetes.master}); {@code true} always (a kubeconfig on a workstation), {@code false} never.
 */
public class ClusterViews {

    private static final Logger LOG = Logger.getLogger(ClusterViews.class);
    private static final String SYNCED = "harbormaster.cluster.synced";

    @Produces
    @Singleton
    ClusterView clusterView(HarbormasterConfig config, Instance<KubernetesClient> client, MeterRegistry metrics) {
        if (!watching(config)) {
            LOG.info("no cluster to watch: policies that need cluster state warn that they could not check");
            return ClusterView.OFFLINE;
        }
        InformerClusterView view = new InformerClusterView(client.get());
        // Held strongly: a gauge keeps only a weak reference to its object unless told otherwise.
        view.synced().keySet().forEach(resource -> Gauge.builder(SYNCED, view, v -> Boolean.TRUE.equals(v.synced().get(resource)) ? 1 : 0)
                .tag("resource", resource)
                .strongReference(true)
                .register(metrics));
        return view;
    }

    /**
     * The policy resources (ValidatingPolicy, MutatingPolicy, PolicyException), watched when the
     * cluster is; the policy store merges them with its files.
     */
    @Produces
    @Singleton
    ClusterPolicies clusterPolicies(HarbormasterConfig config, Instance<KubernetesClient> client) {
        return watching(config) ? new PolicyResourceInformers(client.get()) : ClusterPolicies.NONE;
    }

    void close(@Disposes ClusterPolicies policies) {
        if (policies instanceof PolicyResourceInformers informers) {
            informers.close();
        }
    }

    private static boolean watching(HarbormasterConfig config) {
        return watch(config.cluster().enabled(), System.getenv("KUBERNETES_SERVICE_HOST") != null,
                configured("quarkus.kubernetes-client.api-server-url") || configured("kubernetes.master"));
    }

    /** Whether to watch: as set, or with {@code auto} when in a pod or pointed at an API server. */
    static boolean watch(HarbormasterConfig.Cluster.Watch setting, boolean inPod, boolean apiServerConfigured) {
        return switch (setting) {
            case TRUE -> true;
            case FALSE -> false;
            case AUTO -> inPod || apiServerConfigured;
        };
    }

    private static boolean configured(String property) {
        return ConfigProvider.getConfig().getOptionalValue(property, String.class).isPresent();
    }

    /** Closes the informers and drops their gauges, so that a view made after this one (a restart in tests) registers its own. */
    void close(@Disposes ClusterView view, MeterRegistry metrics) throws Exception {
        metrics.find(SYNCED).gauges().forEach(metrics::remove);
        if (view instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
