package dev.harbormaster.packaged;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.harbormaster.admission.Fixtures;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.net.URL;
import java.nio.file.Files;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The packaged application takes its policy directory and cost limit at run time: the very first
 * answers come from them (the defect a native image had: it served what it had loaded while being
 * built), and a file added while it runs is enforced after the next reload.
 */
@QuarkusIntegrationTest
@QuarkusTestResource(value = RuntimePolicyDirectory.class, restrictToAnnotatedClass = true)
class RuntimeConfigurationIT {

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    @Test
    void theRunTimeDirectoryGovernsTheFirstAnswers() {
        JsonPath denied = validate("forbidden");
        assertThat(denied.getBoolean("response.allowed")).isFalse();
        assertThat(denied.getString("response.status.message")).isEqualTo("[runtime-only] forbidden by the run-time policy directory");
        assertThat(validate("fine").getBoolean("response.allowed")).isTrue();
        // The bundled pack is not in force: a Deployment with :latest is allowed here.
        JsonPath latest = Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post("validate")
                .then().statusCode(200).extract().jsonPath();
        assertThat(latest.getBoolean("response.allowed")).isTrue();
        RestAssured.given().baseUri(PackagedServer.managementBase()).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'policies' }.data.origin", equalTo(RuntimePolicyDirectory.directory.toString()));
    }

    /** The build type-checked only the bundled pack: with a run-time directory every expression is compiled at start. */
    @Test
    void theBuildsCheckedExpressionsAreNotUsedForARunTimeDirectory() throws Exception {
        assertThat(PackagedServer.firstLoadMessage()).contains("from " + RuntimePolicyDirectory.directory)
                .doesNotContain("type-checked");
    }

    @Test
    void theRunTimeCostLimitBoundsEvaluation() {
        JsonPath costly = validate("costly");
        assertThat(costly.getBoolean("response.allowed")).isFalse();
        assertThat(costly.getString("response.status.message"))
                .startsWith("[costly] ConfigMap costly: validations[0] could not be evaluated: ")
                .contains("cost limit").contains(Long.toString(RuntimePolicyDirectory.COST_LIMIT));
    }

    @Test
    void aPolicyAddedWhileRunningIsEnforcedAfterTheReload() throws Exception {
        assertThat(validate("later").getBoolean("response.allowed")).isTrue();
        Files.writeString(RuntimePolicyDirectory.directory.resolve("later.yaml"),
                RuntimePolicyDirectory.configMapPolicy("added-later", "object.metadata.name != 'later'", "added while running"));
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> !validate("later").getBoolean("response.allowed"));
        assertThat(validate("later").getString("response.status.message")).isEqualTo("[added-later] added while running");
    }

    private JsonPath validate(String configMapName) {
        String review = """
                {"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"uid-%1$s","operation":"CREATE",
                 "kind":{"group":"","version":"v1","kind":"ConfigMap"},"resource":{"group":"","version":"v1","resource":"configmaps"},
                 "namespace":"team-a","name":"%1$s","userInfo":{"username":"dev"},
                 "object":{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%1$s","namespace":"team-a"},"data":{"k":"v"}}}}
                """.formatted(configMapName);
        return Fixtures.client(server).contentType("application/json").body(review).post("validate")
                .then().statusCode(200).extract().jsonPath();
    }
}
