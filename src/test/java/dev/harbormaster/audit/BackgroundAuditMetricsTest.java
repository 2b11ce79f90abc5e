package dev.harbormaster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cluster.Leadership;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The background audit's metrics exist exactly when it runs: a findings gauge at 0 from an audit that is off reads as a clean cluster. */
class BackgroundAuditMetricsTest {

    private static List<String> meters(boolean enabled) {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        new BackgroundAudit(enabled, Duration.ofMinutes(5), 100, null, null, null, null, metrics, Leadership.sole());
        return metrics.getMeters().stream().map(Meter::getId).map(id -> id.getName() + id.getTags()).sorted().toList();
    }

    @Test
    void offItRegistersNothing() {
        assertThat(meters(false)).isEmpty();
    }

    @Test
    void onEveryMeterIsThereFromTheStartWithItsDescription() {
        assertThat(meters(true)).containsExactly(
                "harbormaster.audit.cycle[]",
                "harbormaster.audit.cycles[tag(result=failure)]",
                "harbormaster.audit.cycles[tag(result=success)]",
                "harbormaster.audit.findings[]",
                "harbormaster.audit.reports.written[]");
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        new BackgroundAudit(true, Duration.ofMinutes(5), 100, null, null, null, null, metrics, Leadership.sole());
        assertThat(metrics.getMeters()).allSatisfy(meter -> assertThat(meter.getId().getDescription()).isNotBlank());
        assertThat(metrics.get("harbormaster.audit.cycles").tag("result", "failure").counter().count()).isZero();
    }
}
