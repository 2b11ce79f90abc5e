package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.packaged.PackagedServer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every door test of {@link AdmissionResourceTest}, against the packaged application as a process:
 * the jar in CI, the native executable after {@code ./mvnw verify -Pnative}.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = PackagedServer.class, restrictToAnnotatedClass = true)
class AdmissionResourceIT extends AdmissionResourceTest {

    @Override
    String managementBase() {
        return PackagedServer.managementBase();
    }

    /** Without a policy directory the packaged application serves the pack from the expressions its build type-checked. */
    @Test
    void theBundledPackLoadsFromTheBuildsCheckedExpressions() throws Exception {
        // "(97 expressions type-checked at build time, 97 used)": every one read back, none compiled again
        // (in a native executable too, where reading them back is the image's own protobuf code).
        assertThat(PackagedServer.firstLoadMessage()).startsWith("loaded ").contains("from the bundled default pack")
                .containsPattern("\\((\\d+) expressions type-checked at build time, \\1 used\\)");
    }

    /**
     * The packaged application logs JSON (its production profile): the decision line is its own JSON
     * object, fields at the top level, not the message string of another one. Quarkus writes the
     * process's output to target/quarkus.log.
     */
    @Test
    void theDecisionLogWritesEachDecisionAsOneJsonObject() throws Exception {
        String name = "web-json-" + System.nanoTime();
        byte[] review = new String(Fixtures.review("deployment-create-latest"), StandardCharsets.UTF_8)
                .replace("\"web-latest\"", "\"" + name + "\"").getBytes(StandardCharsets.UTF_8);
        Fixtures.client(server).body(review).post("validate").then().statusCode(200);

        Path log = Path.of("target/quarkus.log");
        ObjectMapper json = new ObjectMapper();
        JsonNode decision = null;
        for (long deadline = System.nanoTime() + 10_000_000_000L; decision == null && System.nanoTime() < deadline; Thread.sleep(100)) {
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                if (line.contains(name)) {
                    decision = json.readTree(line);
                }
            }
        }
        assertThat(decision).as("a decision line for " + name + " in " + log).isNotNull();
        assertThat(decision.path("loggerName").asText()).isEqualTo("harbormaster.decision");
        assertThat(decision.path("name").asText()).isEqualTo(name);
        assertThat(decision.path("allowed").isBoolean()).isTrue();
        assertThat(decision.path("results").isArray()).isTrue();
        assertThat(decision.path("results").get(0).path("policy").asText()).isEqualTo("disallow-latest-tag");
        // The server's other lines are JSON too (the production profile), with the same leading keys.
        assertThat(Files.readAllLines(log, StandardCharsets.UTF_8)).anySatisfy(line ->
                assertThat(json.readTree(line).path("loggerName").asText()).isEqualTo("io.quarkus"));
    }
}
