package dev.harbormaster.cluster;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Chooses the ClusterView the server uses. Until informers exist, the server runs offline. */
public class ClusterViews {

    @Produces
    @Singleton
    ClusterView clusterView() {
        return ClusterView.OFFLINE;
    }
}
