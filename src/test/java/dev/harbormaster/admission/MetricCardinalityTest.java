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
            assertThat(doors.answer("validate", invented.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        }
        Set<String> kinds = new TreeSet<>();
        for (Meter meter : doors.metrics.find("harbormaster.admission.requests").meters()) {
            kinds.add(meter.getId().getTag("kind"));
        }
        assertThat(kinds).containsExactly("Deployment", "other");
    }

    /** The decision line quotes request values capped, so a hostile request cannot write megabytes of log. */
    @Test
    void aDecisionLineCapsWhatTheRequestSays() throws Exception {
        java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger decisions = java.util.logging.Logger.getLogger("harbormaster.decision");
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord record) { lines.add(record.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        decisions.addHandler(capture);
        try {
            String template = new String(Fixtures.review("deployment-create-latest"), StandardCharsets.UTF_8);
            String huge = "n".repeat(200_000);
            String body = template.replaceFirst("\"name\":\\s*\"web-latest\"", "\"name\": \"" + huge + "\"")
                    .replaceFirst("\"username\":\\s*\"[^\"]*\"", "\"username\": \"" + huge + "\"");
            assertThat(body).contains(huge);
            assertThat(new InProcessDoors().answer("validate", body.getBytes(StandardCharsets.UTF_8)).status()).isEqualTo(200);
        } finally {
            decisions.removeHandler(capture);
        }
        assertThat(lines).isNotEmpty().allSatisfy(line -> assertThat(line.length()).isLessThan(20_000));
    }
}
