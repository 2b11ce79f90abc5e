package dev.harbormaster.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Chooses the ClusterView: informers when there is a cluster to watch, offline otherwise.
 * {@code harbormaster.cluster.enabled=auto} (the default) watches when running in a pod or when an
 * API server URL is configured ({@code quarkus.kubernetes-client.api-server-url} or fabric8's
 * {@code kubernetes.master}); {@code true} always (a kubeconfig on a workstation), {@code false} never.
 */
public class ClusterViews {

    private static final Logger LOG = Logger.getLogger(ClusterViews.class);

    @Produces
    @Singleton
    ClusterView clusterView(@ConfigProperty(name = "harbormaster.cluster.enabled", defaultValue = "auto") String enabled,
                            Instance<KubernetesClient> client, MeterRegistry metrics) {
        boolean watch = switch (enabled) {
            case "true" -> true;
            case "false" -> false;
            default -> System.getenv("KUBERNETES_SERVICE_HOST") != null
                    || configured("quarkus.kubernetes-client.api-server-url") || configured("kubernetes.master");
        };
        if (!watch) {
            LOG.info("no cluster to watch: policies that need cluster state warn that they could not check");
            return ClusterView.OFFLINE;
        }
        InformerClusterView view = new InformerClusterView(client.get());
        view.synced().keySet().forEach(resource -> metrics.gauge("harbormaster.cluster.synced",
                java.util.List.of(io.micrometer.core.instrument.Tag.of("resource", resource)), view,
                v -> Boolean.TRUE.equals(v.synced().get(resource)) ? 1 : 0));
        return view;
    }

    private static boolean configured(String property) {
        return ConfigProvider.getConfig().getOptionalValue(property, String.class).isPresent();
    }

    void close(@Disposes ClusterView view) throws Exception {
        if (view instanceof AutoCloseable closeable) {
            closeable.close();
        }
    }
}
