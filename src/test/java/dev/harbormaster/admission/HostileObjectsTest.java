package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Objects no kube-apiserver sends, sent anyway: an AdmissionReview answer, never a 500. */
class HostileObjectsTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final InProcessDoors DOORS = new InProcessDoors();

    @ParameterizedTest
    @ValueSource(strings = {"\"text\"", "[1, 2]", "7", "null", "(missing)"})
    void mutateAnswersWhateverMetadataIs(String metadata) throws Exception {
        ObjectNode review = (ObjectNode) MAPPER.readTree(Fixtures.review("deployment-create-latest"));
        ObjectNode object = (ObjectNode) review.path("request").path("object");
        if (metadata.equals("(missing)")) {
            object.remove("metadata");
        } else {
            object.set("metadata", MAPPER.readTree(metadata));
        }
        for (String door : new String[] {"mutate", "validate"}) {
            DoorAnswer response = DOORS.answer(door, MAPPER.writeValueAsBytes(review));
            String body = InProcessDoors.text(response);
            assertThat(response.status()).as(door + ": " + body).isEqualTo(200);
            JsonNode answer = MAPPER.readTree(body);
            assertThat(answer.path("response").path("uid").asText()).isEqualTo(review.path("request").path("uid").asText());
        }
    }
}
