package dev.harbormaster.policy;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/** Ready once a policy set is in force; shows a refused reload without going unready (the last good set serves). */
@Readiness
@ApplicationScoped
public class PolicyReadinessCheck implements HealthCheck {

    @Inject
    PolicyStore store;

    @Override
    public HealthCheckResponse call() {
        PolicySet set = store.inForce().orElse(null);
        HealthCheckResponseBuilder response = HealthCheckResponse.named("policies").status(set != null);
        if (set != null) {
            response.withData("policies", set.size())
                    .withData("origin", set.origin())
                    .withData("loadedAt", set.loadedAt().toString());
            if (!set.warnings().isEmpty()) {
                response.withData("loadWarnings", String.join("\n", set.warnings()));
            }
        }
        store.lastError().ifPresent(error -> response.withData("lastReloadError", error.getMessage()));
        return response.build();
    }
}
