package dev.harbormaster.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.admission.AdmissionReviewCodec;
import dev.harbormaster.admission.BadAdmissionRequest;
import dev.harbormaster.admission.InProcessDoors;
import dev.harbormaster.admission.Reasons;
import dev.harbormaster.admission.DoorAnswer;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec and the doors (in-process, the default pack, offline) fed mutated kube-apiserver
 * requests. Property: the codec decodes or says why (BadAdmissionRequest, one short line), and a
 * door answers 200 with an AdmissionReview for the request's uid or 400 with one short line:
 * never a 500, never an exception.
 */
class DoorsFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InProcessDoors DOORS = quietDoors();

    private static InProcessDoors quietDoors() {
        // Thousands of decision lines would be most of the run's time.
        java.util.logging.Logger.getLogger("harbormaster.decision").setLevel(java.util.logging.Level.OFF);
        java.util.logging.Logger.getLogger("dev.harbormaster.admission").setLevel(java.util.logging.Level.SEVERE);
        return new InProcessDoors();
    }

    @Provide
    Arbitrary<Path> reviews() {
        return Arbitraries.of(Seeds.files(Seeds.REVIEWS, ".json"));
    }

    @Property
    void theCodecDecodesOrSaysWhy(@ForAll("reviews") Path seed, @ForAll long randomness, @ForAll @IntRange(min = 1, max = 4) int rounds) {
        codecHolds(new Mutator(randomness).mutate(Seeds.bytes(seed), rounds));
    }

    @Property
    void aDoorAnswersAnAdmissionReviewOrA400(@ForAll("reviews") Path seed, @ForAll long randomness,
                                              @ForAll @IntRange(min = 1, max = 4) int rounds, @ForAll boolean mutate) {
        doorHolds(mutate ? "mutate" : "validate", new Mutator(randomness).mutate(Seeds.bytes(seed), rounds));
    }

    /** Inputs that once broke a door, kept: src/test/resources/fuzz/doors/. */
    static Stream<Path> found() {
        return Seeds.files(Seeds.FOUND.resolve("doors"), ".json").stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("found")
    void foundInputsStayAnswered(Path input) {
        byte[] body = Seeds.bytes(input);
        codecHolds(body);
        doorHolds("validate", body);
        doorHolds("mutate", body);
    }

    static void codecHolds(byte[] body) {
        try {
            assertThat(AdmissionReviewCodec.decode(body).uid()).isNotBlank();
        } catch (BadAdmissionRequest e) {
            assertOneShortLine(e.getMessage());
        }
    }

    static void doorHolds(String door, byte[] body) {
        DoorAnswer response = DOORS.answer(door, body);
        String text = InProcessDoors.text(response);
        if (response.status() == 400) {
            assertOneShortLine(text.strip());
            return;
        }
        assertThat(response.status()).as("%s answered: %s", door, text).isEqualTo(200);
        try {
            JsonNode answer = JSON.readTree(text);
            assertThat(answer.path("apiVersion").asText()).isEqualTo(AdmissionReviewCodec.API_VERSION);
            assertThat(answer.path("kind").asText()).isEqualTo(AdmissionReviewCodec.KIND);
            assertThat(answer.path("response").path("uid").asText()).isEqualTo(AdmissionReviewCodec.decode(body).uid());
            assertThat(answer.path("response").path("allowed").isBoolean()).isTrue();
        } catch (java.io.IOException e) {
            throw new AssertionError("a 200 that is not JSON: " + text, e);
        }
    }

    static void assertOneShortLine(String reason) {
        assertThat(reason).isNotBlank().doesNotContain("\n", "\r").hasSizeLessThanOrEqualTo(Reasons.MAX_LENGTH);
    }

    static List<Path> seeds() {
        return Seeds.files(Seeds.REVIEWS, ".json");
    }
}
