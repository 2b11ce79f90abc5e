package dev.harbormaster.cluster;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Shows the cluster caches' state. Always up: without them the server still answers, and the rules
 * that need them warn that they could not check (a webhook that waits for a cluster it cannot
 * reach would lock that cluster out).
 */
@Readiness
@ApplicationScoped
public class ClusterReadinessCheck implements HealthCheck {

    @Inject
    ClusterView view;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("cluster").up();
        if (view instanceof InformerClusterView informers) {
            informers.synced().forEach((resource, synced) -> response.withData(resource, synced ? "synced" : "syncing"));
        }
        view.unavailable().ifPresent(reason -> response.withData("unavailable", reason));
        return response.build();
    }
}
