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
    private static final String LEADER = "harbormaster.leader";

    @Produces
    @Singleton
    ClusterView clusterView(HarbormasterConfig config, Instance<KubernetesClient> client, MeterRegistry metrics) {
        if (!watched(config)) {
            LOG.info("no cluster to watch: policies that need cluster state warn that they could not check");
            return ClusterView.OFFLINE;
        }
        InformerClusterView view = new InformerClusterView(client.get());
        // Held strongly: a gauge keeps only a weak reference to its object unless told otherwise.
        view.synced().keySet().forEach(resource -> Gauge.builder(SYNCED, view, v -> Boolean.TRUE.equals(v.synced().get(resource)) ? 1 : 0)
                .tag("resource", resource)
                .description("1 when the informer cache of this resource has synced with the API server, else 0")
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
        return watched(config) ? new PolicyResourceInformers(client.get()) : ClusterPolicies.NONE;
    }

    void close(@Disposes ClusterPolicies policies) {
        if (policies instanceof PolicyResourceInformers informers) {
            informers.close();
        }
    }

    /**
     * Who writes to the cluster: with a cluster, the holder of the Lease (started with the application,
     * so that a replica is a candidate from its start, not from its first write); without one, this process.
     */
    @Produces
    @Singleton
    @io.quarkus.runtime.Startup
    Leadership leadership(HarbormasterConfig config, Instance<KubernetesClient> client, MeterRegistry metrics) {
        Leadership leadership;
        if (!watched(config)) {
            leadership = Leadership.sole();
        } else {
            HarbormasterConfig.LeaderElection election = config.leaderElection();
            KubernetesClient kubernetes = client.get();
            String namespace = election.leaseNamespace()
                    .orElse(kubernetes.getNamespace() == null ? "default" : kubernetes.getNamespace());
            // The pod's name: kubelet sets HOSTNAME to it, and it is unique among the replicas.
            String identity = System.getenv().getOrDefault("HOSTNAME", "harbormaster-" + ProcessHandle.current().pid());
            leadership = Leadership.elected(kubernetes, namespace, election.leaseName(), identity,
                    new Leadership.Timing(election.leaseDuration(), election.renewDeadline(), election.retryPeriod()));
        }
        Gauge.builder(LEADER, leadership, l -> l.leads() ? 1 : 0)
                .description("1 while this replica holds the leader Lease and writes to the cluster (background audit, statuses), else 0")
                .strongReference(true)
                .register(metrics);
        return leadership;
    }

    /** Stops competing and releases the Lease, so that another replica takes over at once. */
    void close(@Disposes Leadership leadership, MeterRegistry metrics) {
        metrics.find(LEADER).gauges().forEach(metrics::remove);
        leadership.close();
    }

    /** Whether there is a cluster to watch (and to write to), from the setting and the environment. */
    static boolean watched(HarbormasterConfig config) {
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
