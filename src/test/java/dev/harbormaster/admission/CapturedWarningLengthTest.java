package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * kube-apiserver cuts every admission warning at 256 characters; the engine shortens a longer one to
 * fit, which loses its end. Over the AdmissionReviews captured from a real API server, through both
 * doors with the default pack, no warning may need shortening.
 */
class CapturedWarningLengthTest {

    private static final Path CAPTURED = Path.of("../shared/fixtures/admission-reviews");
    private static final ObjectMapper JSON = new ObjectMapper();
    private final InProcessDoors doors = new InProcessDoors();

    @TestFactory
    Stream<DynamicTest> everyWarningOnACapturedReviewFitsWhole() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path review : captured()) {
            for (String door : List.of("validate", "mutate")) {
                tests.add(DynamicTest.dynamicTest(door + " " + review.getFileName(), () -> assertThat(warnings(door, review))
                        .allSatisfy(w -> assertThat(w)
                                .as("a warning kube-apiserver would cut (%d characters)", w.length())
                                .hasSizeLessThanOrEqualTo(256).doesNotEndWith("…"))));
            }
        }
        return tests.stream();
    }

    @Test
    void theCapturedReviewsGiveWarningsToCheck() throws Exception {
        long count = 0;
        for (Path review : captured()) {
            count += warnings("validate", review).size();
        }
        assertThat(count).isGreaterThanOrEqualTo(5);
    }

    private List<String> warnings(String door, Path review) throws Exception {
        JsonNode answer = JSON.readTree(InProcessDoors.text(doors.answer(door, Files.readAllBytes(review))));
        List<String> warnings = new ArrayList<>();
        answer.path("response").path("warnings").forEach(w -> warnings.add(w.asText()));
        return warnings;
    }

    private static List<Path> captured() throws Exception {
        try (Stream<Path> files = Files.list(CAPTURED)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }
}
