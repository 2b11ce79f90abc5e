package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Meter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Label values that come from requests cannot grow the metrics without bound. */
class MetricCardinalityTest {

    @Test
    void threeHundredInventedKindsMakeOneSeriesNamedOther() {
        InProcessDoors doors = new InProcessDoors();
        String template = new String(Fixtures.review("deployment-create-compliant"), StandardCharsets.UTF_8);
        doors.answer("validate", template.getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 300; i++) {
            String invented = template.replaceFirst("\"kind\":\\s*\"Deployment\"", "\"kind\": \"Kind" + i + "x".repeat(i % 50) + "\"");
            assertThat(doors.answer("validate", invented.getBytes(StandardCharsets.UTF_8)).getStatus()).isEqualTo(200);
        }
        Set<String> kinds = new TreeSet<>();
        for (Meter meter : doors.metrics.find("harbormaster.admission.requests").meters()) {
            kinds.add(meter.getId().getTag("kind"));
        }
        assertThat(kinds).containsExactly("Deployment", "other");
    }
}
