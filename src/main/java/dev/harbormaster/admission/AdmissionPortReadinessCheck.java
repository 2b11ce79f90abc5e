package dev.harbormaster.admission;

import io.quarkus.vertx.http.HttpsServerStart;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.ObservesAsync;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the admission port listens. The management port, which serves this check, opens
 * first; without it the pod could be ready, and sent admission requests, before the doors are open.
 */
@Readiness
@ApplicationScoped
public class AdmissionPortReadinessCheck implements HealthCheck {

    private volatile boolean listening;

    void listening(@ObservesAsync HttpsServerStart started) {
        listening = true;
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("admission-port").status(listening).build();
    }
}
