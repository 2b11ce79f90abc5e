package dev.harbormaster.cluster;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Whether this replica is the one that writes to the cluster: the background audit's PolicyReports and
 * the policy resources' statuses. Every cluster write goes through {@link #leads()}, so that two
 * replicas never race on the same object.
 *
 * <p>Until leader election is built (a Lease, fabric8's LeaderElector) every replica leads, which is
 * right for the chart's default of one writer per release and wrong for several replicas.
 */
@ApplicationScoped
public class Leadership {

    /** True when this replica may write to the cluster now. */
    public boolean leads() {
        return true;
    }
}
