package dev.harbormaster.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Whether this replica is the one that writes to the cluster: the background audit's PolicyReports and
 * the policy resources' statuses. Every cluster write goes through {@link #leads()}, so that two
 * replicas never race on the same object.
 *
 * <p>With a cluster, the replicas compete for a coordination.k8s.io Lease (fabric8's LeaderElector,
 * the protocol of client-go's leaderelection): the holder renews it every retry period; when it stops
 * renewing (its pod is gone) another replica takes the Lease once it has expired, and a replica that
 * shuts down releases it so the next one takes over at its next try. Without a cluster there is no one to
 * race with, and this process leads.
 */
public final class Leadership implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Leadership.class);

    /** The timings of the election, as client-go names them. */
    public record Timing(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {

        /** The order client-go requires; refused at start, with the settings' names, otherwise. */
        public Timing {
            if (renewDeadline.compareTo(leaseDuration) >= 0) {
                throw new IllegalArgumentException("harbormaster.leader-election.renew-deadline (" + renewDeadline
                        + ") must be shorter than harbormaster.leader-election.lease-duration (" + leaseDuration + ")");
            }
            if (retryPeriod.isZero() || retryPeriod.isNegative() || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException("harbormaster.leader-election.retry-period (" + retryPeriod
                        + ") must be positive and shorter than harbormaster.leader-election.renew-deadline (" + renewDeadline + ")");
            }
        }
    }

    private final String identity;
    private final KubernetesClient client;
    private final LeaseLock lock;
    private final Timing timing;
    private final ScheduledExecutorService elections;
    private volatile boolean leading;
    private volatile boolean closed;
    private volatile CompletableFuture<?> running;

    private Leadership(String identity, KubernetesClient client, LeaseLock lock, Timing timing, boolean leading) {
        this.identity = identity;
        this.client = client;
        this.lock = lock;
        this.timing = timing;
        this.leading = leading;
        this.elections = client == null ? null : Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "harbormaster-leader-election");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The only process that writes: no cluster (the CLI, a run without a cluster), or tests of a single writer. */
    public static Leadership sole() {
        return new Leadership("this process", null, null, null, true);
    }

    /** Competes for the Lease {@code namespace/name} as {@code identity} (the pod's name) from now on. */
    public static Leadership elected(KubernetesClient client, String namespace, String name, String identity, Timing timing) {
        Leadership leadership = new Leadership(identity, client, new LeaseLock(namespace, name, identity), timing, false);
        LOG.infof("competing for Lease %s/%s as %s: only its holder runs the background audit and writes statuses",
                namespace, name, identity);
        leadership.elections.execute(leadership::compete);
        return leadership;
    }

    /** True when this replica may write to the cluster now. */
    public boolean leads() {
        return leading;
    }

    /** Who this replica is in the Lease. */
    public String identity() {
        return identity;
    }

    /** One candidacy: it ends when leadership is lost (or never won before an error), then the next begins. */
    private void compete() {
        if (closed) {
            return;
        }
        LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName("harbormaster")
                .withLock(lock)
                .withLeaseDuration(timing.leaseDuration())
                .withRenewDeadline(timing.renewDeadline())
                .withRetryPeriod(timing.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(
                        () -> {
                            leading = true;
                            LOG.infof("%s holds the Lease: this replica writes to the cluster now", identity);
                        },
                        () -> {
                            leading = false;
                            LOG.infof("%s no longer holds the Lease: it stops writing to the cluster", identity);
                        },
                        holder -> LOG.debugf("the Lease is held by %s", holder)))
                .build(), elections);
        running = elector.start();
        running.whenComplete((ignored, failure) -> {
            leading = false;
            if (!closed) {
                if (failure != null && !(failure instanceof java.util.concurrent.CancellationException)) {
                    LOG.warnf("leader election failed, trying again: %s", failure.getMessage());
                }
                elections.schedule(this::compete, timing.retryPeriod().toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    /** Stops competing; a leader releases the Lease, so that another replica takes over without waiting for it to expire. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<?> candidacy = running;
        if (candidacy != null) {
            candidacy.cancel(true);
        }
        leading = false;
        if (elections != null) {
            elections.shutdown();
            try {
                elections.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
