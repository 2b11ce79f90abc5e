package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The HTTP doors, fed the AdmissionReviews a real kube-apiserver sent, over TLS. */
@QuarkusTest
class AdmissionResourceTest {

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    /** Each captured request with the verdict the bundled pack gives it: allowed, or the start of the denial. */
    static Stream<Arguments> capturedRequests() {
        String latest = "[disallow-latest-tag] ";
        return Stream.of(
                Arguments.of("deployment-create-latest", latest + "Deployment web-latest: container \"web\" uses image \"nginx:latest\""),
                Arguments.of("deployment-create-latest-dryrun", latest + "Deployment web-latest: container \"web\" uses image \"nginx:latest\""),
                Arguments.of("deployment-create-untagged-registry-port", latest + "Deployment api-untagged: container \"api\" uses image \"registry.local:5000/team/api\", \"migrate\""),
                Arguments.of("cronjob-create-latest", latest + "CronJob nightly-report: container \"report\" uses image \"busybox:latest\""),
                Arguments.of("deployment-update-image-to-latest", latest + "Deployment cms-web-api: container \"web-api\" uses image \"registry.example.com/auto-builder-cms-dev:latest\""),
                Arguments.of("deployment-update-remove-liveness", latest + "Deployment cms-web-api"),
                Arguments.of("deployment-create-compliant", null),
                Arguments.of("deployment-create-latest-with-digest-sleep-action", null),
                Arguments.of("deployment-create-no-probes-no-pdb", null),
                Arguments.of("deployment-create-prestop-exec-over-budget", null),
                Arguments.of("deployment-delete", null),
                Arguments.of("statefulset-create", null),
                Arguments.of("daemonset-create-liveness-only", null),
                Arguments.of("job-create", null),
                Arguments.of("pod-create-sidecar-init", null),
                Arguments.of("pod-update-ephemeral-container", null),
                Arguments.of("pdb-create-min-available-1", null),
                Arguments.of("pdb-create-max-unavailable-0", null),
                Arguments.of("pdb-create-min-available-100pct", null),
                Arguments.of("hpa-create", null));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedRequests")
    void validateAnswersEveryCapturedRequest(String fixture, String denial) {
        assertAnswer("validate", fixture, denial);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedRequests")
    void mutateAnswersEveryCapturedRequest(String fixture, String denial) {
        // /mutate runs only mutating policies, and the bundled pack has none yet: allowed, no patch.
        assertAnswer("mutate", fixture, null);
    }

    private void assertAnswer(String door, String fixture, String denial) {
        byte[] body = Fixtures.review(fixture);
        String uid = JsonPath.from(new String(body, StandardCharsets.UTF_8)).getString("request.uid");

        Response response = Fixtures.client(server).contentType("application/json").body(body).post(door);

        response.then().statusCode(200).contentType("application/json");
        JsonPath json = response.jsonPath();
        assertThat(json.getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
        assertThat(json.getString("kind")).isEqualTo("AdmissionReview");
        assertThat(json.getString("response.uid")).isEqualTo(uid);
        assertThat(json.getBoolean("response.allowed")).isEqualTo(denial == null);
        assertThat(json.getMap("response")).doesNotContainKeys("patchType", "patch", "warnings");
        if (denial == null) {
            assertThat(json.getMap("response")).doesNotContainKey("status");
        } else {
            assertThat(json.getInt("response.status.code")).isEqualTo(422);
            assertThat(json.getString("response.status.reason")).isEqualTo("Invalid");
            assertThat(json.getString("response.status.message")).startsWith(denial);
        }
    }

    @Test
    void aDryRunGetsTheSameAnswer() {
        JsonPath real = Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post("validate").jsonPath();
        JsonPath dry = Fixtures.client(server).body(Fixtures.review("deployment-create-latest-dryrun")).post("validate").jsonPath();
        Map<String, Object> realResponse = real.getMap("response");
        Map<String, Object> dryResponse = dry.getMap("response");
        realResponse.remove("uid");
        dryResponse.remove("uid");
        assertThat(dryResponse).isEqualTo(realResponse);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "|the request body is empty",
            "{\"apiVersion\":|malformed JSON at line 1, column 15",
            "[1, 2]|the body is a JSON array, expected an AdmissionReview object",
            "{} {}|unexpected content after the AdmissionReview",
            "{\"apiVersion\":\"admission.k8s.io/v1beta1\",\"kind\":\"AdmissionReview\",\"request\":{}}|apiVersion is \"admission.k8s.io/v1beta1\", expected \"admission.k8s.io/v1\"",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"Pod\"}|kind is \"Pod\", expected \"AdmissionReview\"",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\"}|request is missing or not an object",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}|request.uid is missing or empty",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"PATCH\"}}|request.operation is \"PATCH\", expected one of",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\"}}|request.kind is missing",
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"uid\":\"u\",\"operation\":\"CREATE\",\"kind\":{\"kind\":\"Pod\"},\"resource\":{\"resource\":\"pods\"},\"object\":\"text\"}}|request.object must be an object or null",
    })
    void badInputGetsA400WithAOneLineReason(String caseText) {
        String[] parts = caseText.split("\\|", 2);
        for (String door : new String[] {"validate", "mutate"}) {
            Response response = Fixtures.client(server).contentType("application/json").body(parts[0]).post(door);
            response.then().statusCode(400).contentType(containsString("text/plain"));
            String body = response.asString();
            assertThat(body).contains(parts[1]);
            assertThat(body.strip()).doesNotContain("\n").doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void aBodyOverTheLimitGetsA400NamingTheLimit() {
        byte[] big = new byte[3 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        Fixtures.client(server).body(big).post("validate").then().statusCode(400)
                .body(containsString("over the limit of 3145728 bytes"));
    }

    @Test
    void deeplyNestedJsonIsRefusedNotOverflowed() {
        String deep = "[".repeat(100_000);
        Fixtures.client(server).body(deep).post("validate").then().statusCode(400).body(containsString("malformed JSON"));
    }

    @Test
    void healthAndMetricsAreOnTheManagementPort() {
        RestAssured.given().baseUri("http://localhost:9001").get("/q/health/live").then().statusCode(200);
        RestAssured.given().baseUri("http://localhost:9001").get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'policies' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'policies' }.data.origin", equalTo("the bundled default pack"));
        Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post("validate").then().statusCode(200);
        String metrics = RestAssured.given().baseUri("http://localhost:9001").get("/q/metrics").asString();
        assertThat(metrics)
                .contains("harbormaster_admission_requests_seconds_count{door=\"validate\",kind=\"Deployment\",operation=\"CREATE\",result=\"denied\"}")
                .contains("harbormaster_policy_evaluations_total{outcome=\"violation\",policy=\"disallow-latest-tag\"}")
                .contains("harbormaster_policies_loaded");
    }

    @Test
    void anUnknownPathIsA404NotAnError() {
        Fixtures.client(server).body("{}").post("nothing-here").then().statusCode(404);
    }
}
