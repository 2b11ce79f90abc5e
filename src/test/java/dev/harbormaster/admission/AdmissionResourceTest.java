package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.Workloads;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
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

    @TestHTTPResource(value = "/", management = true)
    URL management;

    /**
     * Each captured request with what the default pack says through /validate, the server being
     * offline (no cluster): the policies that deny it, and the policies that warn. Rules that need
     * the cluster warn that they could not check.
     */
    static Stream<Arguments> capturedRequests() {
        // The captured workloads declare no resources: require-requests warns, and require-requests-for-hpa
        // cannot look for an HPA offline.
        List<String> offlineWorkload = List.of("pdb-sanity", "require-pdb-on-create", "require-requests", "require-requests-for-hpa");
        List<String> offlinePdb = List.of("pdb-hpa-sanity", "pdb-sanity");
        return Stream.of(
                Arguments.of("deployment-create-latest", List.of("disallow-latest-tag", "require-probes"), offlineWorkload),
                Arguments.of("deployment-create-latest-dryrun", List.of("disallow-latest-tag", "require-probes"), offlineWorkload),
                Arguments.of("deployment-create-untagged-registry-port", List.of("disallow-latest-tag"), offlineWorkload),
                Arguments.of("deployment-create-no-probes-no-pdb", List.of("require-probes"), offlineWorkload),
                Arguments.of("deployment-create-prestop-exec-over-budget", List.of("termination-budget"), offlineWorkload),
                // Grace absent (30) under a 10 s sleep: denied here; the mutating webhook raises it to 45 first in a cluster.
                Arguments.of("deployment-create-latest-with-digest-sleep-action", List.of("termination-budget"),
                        List.of("image-pull-policy", "pdb-sanity", "probe-sanity", "require-requests", "require-requests-for-hpa")),
                Arguments.of("deployment-create-compliant", List.of(), offlineWorkload),
                Arguments.of("deployment-update-image-to-latest", List.of("disallow-latest-tag"),
                        List.of("image-pull-policy", "pdb-sanity", "require-pdb", "require-requests", "require-requests-for-hpa")),
                // The old object already ran :latest, so that only warns; removing the liveness probe denies.
                Arguments.of("deployment-update-remove-liveness", List.of("require-probes"),
                        List.of("disallow-latest-tag", "image-pull-policy", "pdb-sanity", "require-pdb", "require-requests",
                                "require-requests-for-hpa")),
                Arguments.of("deployment-delete", List.of(), List.of()),
                Arguments.of("statefulset-create", List.of(), offlineWorkload),
                Arguments.of("daemonset-create-liveness-only", List.of("require-probes"), List.of("require-requests")),
                Arguments.of("job-create", List.of(), List.of()),
                Arguments.of("cronjob-create-latest", List.of("disallow-latest-tag"), List.of()),
                Arguments.of("pod-create-sidecar-init", List.of("require-probes"), List.of("probe-sanity", "require-requests")),
                Arguments.of("pod-update-ephemeral-container", List.of(), List.of()),
                Arguments.of("pdb-create-min-available-1", List.of(), offlinePdb),
                Arguments.of("pdb-create-max-unavailable-0", List.of("pdb-sanity"), offlinePdb),
                Arguments.of("pdb-create-min-available-100pct", List.of("pdb-sanity"), offlinePdb),
                Arguments.of("hpa-create", List.of(), List.of("pdb-hpa-sanity")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedRequests")
    void validateAnswersEveryCapturedRequest(String fixture, List<String> denying, List<String> warning) {
        JsonPath json = answer("validate", fixture);
        assertThat(json.getBoolean("response.allowed")).isEqualTo(denying.isEmpty());
        assertThat(json.getMap("response")).doesNotContainKeys("patchType", "patch");
        if (denying.isEmpty()) {
            assertThat(json.getMap("response")).doesNotContainKey("status");
        } else {
            assertThat(json.getInt("response.status.code")).isEqualTo(422);
            assertThat(json.getString("response.status.reason")).isEqualTo("Invalid");
            assertThat(policiesNamed(List.of(json.getString("response.status.message").split("\n")))).isEqualTo(new TreeSet<>(denying));
        }
        List<String> warnings = json.getList("response.warnings", String.class);
        assertThat(policiesNamed(warnings == null ? List.of() : warnings)).isEqualTo(new TreeSet<>(warning));
    }

    /** The policies that lines of the form "[policy] message" come from. */
    private static TreeSet<String> policiesNamed(List<String> lines) {
        TreeSet<String> policies = new TreeSet<>();
        for (String line : lines) {
            assertThat(line).matches("\\[[a-z0-9-]+\\] .+");
            policies.add(line.substring(1, line.indexOf(']')));
        }
        return policies;
    }

    private JsonPath answer(String door, String fixture) {
        byte[] body = Fixtures.review(fixture);
        String uid = JsonPath.from(new String(body, StandardCharsets.UTF_8)).getString("request.uid");
        Response response = Fixtures.client(server).contentType("application/json").body(body).post(door);
        response.then().statusCode(200).contentType("application/json");
        JsonPath json = response.jsonPath();
        assertThat(json.getString("apiVersion")).isEqualTo("admission.k8s.io/v1");
        assertThat(json.getString("kind")).isEqualTo("AdmissionReview");
        assertThat(json.getString("response.uid")).isEqualTo(uid);
        return json;
    }

    /** Each captured request, and whether the default pack's mutations change its object. */
    static Stream<Arguments> capturedMutations() {
        return Stream.of(
                Arguments.of("deployment-create-latest", true),
                Arguments.of("deployment-create-latest-dryrun", true),
                Arguments.of("deployment-create-untagged-registry-port", true),
                Arguments.of("deployment-create-compliant", true),
                Arguments.of("deployment-create-no-probes-no-pdb", true),
                Arguments.of("deployment-create-prestop-exec-over-budget", true),
                Arguments.of("deployment-create-latest-with-digest-sleep-action", true),
                Arguments.of("deployment-update-image-to-latest", true),
                Arguments.of("deployment-update-remove-liveness", true),
                Arguments.of("statefulset-create", true),
                Arguments.of("daemonset-create-liveness-only", true),
                Arguments.of("pod-create-sidecar-init", true),
                Arguments.of("deployment-delete", false),
                Arguments.of("job-create", false),
                Arguments.of("cronjob-create-latest", false),
                Arguments.of("pod-update-ephemeral-container", false),
                Arguments.of("pdb-create-min-available-1", false),
                Arguments.of("pdb-create-max-unavailable-0", false),
                Arguments.of("pdb-create-min-available-100pct", false),
                Arguments.of("hpa-create", false));
    }

    /**
     * /mutate as kube-apiserver uses it: the patch applies to the object sent (with a real JSONPatch
     * library), every long-running container then has a preStop hook and a grace period that covers
     * it, /validate no longer finds a termination-budget problem, and a second call patches nothing.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("capturedMutations")
    void mutateAnswersEveryCapturedRequestWithAPatchThatAddsUp(String fixture, boolean patched) throws Exception {
        byte[] body = Fixtures.review(fixture);
        JsonPath json = answer("mutate", fixture);
        assertThat(json.getBoolean("response.allowed")).isTrue();
        assertThat(json.getMap("response")).doesNotContainKey("status");
        if (!patched) {
            assertThat(json.getMap("response")).doesNotContainKeys("patchType", "patch");
            return;
        }
        assertThat(json.getString("response.patchType")).isEqualTo("JSONPatch");
        JsonNode patch = MAPPER.readTree(Base64.getDecoder().decode(json.getString("response.patch")));
        ObjectNode review = (ObjectNode) MAPPER.readTree(body);
        JsonNode mutated = JsonPatch.apply(patch, review.path("request").path("object"));

        JsonNode podSpec = mutated.at("/" + Workloads.podSpecPath(MAPPER.convertValue(mutated, Map.class)).replace('.', '/'));
        long longest = 0;
        for (JsonNode container : podSpec.path("containers")) {
            assertThat(container.path("lifecycle").path("preStop").isObject()).as(container.path("name").asText()).isTrue();
            longest = Math.max(longest, Workloads.preStopSleepSeconds(CelJson.fromJson(container)));
        }
        assertThat(podSpec.path("terminationGracePeriodSeconds").asLong(30)).isGreaterThanOrEqualTo(longest + 35);
        assertThat(mutated.at("/metadata/annotations").path("harbormaster.dev/mutated").asText())
                .matches("(inject-prestop|raise-termination-grace)(,raise-termination-grace)?");

        ((ObjectNode) review.path("request")).set("object", mutated);
        byte[] again = MAPPER.writeValueAsBytes(review);
        JsonPath validation = Fixtures.client(server).body(again).post("validate").then().statusCode(200).extract().jsonPath();
        assertThat(String.valueOf(validation.getString("response.status.message"))).doesNotContain("[termination-budget]");
        JsonPath second = Fixtures.client(server).body(again).post("mutate").then().statusCode(200).extract().jsonPath();
        assertThat(second.getMap("response")).doesNotContainKeys("patchType", "patch");
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void theDenialMessageTellsTheDeveloperWhatToChange() {
        String message = answer("validate", "deployment-create-latest").getString("response.status.message");
        assertThat(message).isEqualTo(String.join("\n",
                "[disallow-latest-tag] Deployment web-latest: container \"web\" (spec.template.spec.containers[0].image) uses \"nginx:latest\"; pin a version tag or a digest, e.g. \"nginx:1.2.3\"",
                "[require-probes] Deployment web-latest: container \"web\" (spec.template.spec.containers[0]) has no livenessProbe with a handler; add e.g. livenessProbe: {httpGet: {path: /healthz, port: 8080}}",
                "[require-probes] Deployment web-latest: container \"web\" (spec.template.spec.containers[0]) has no readinessProbe with a handler; add e.g. readinessProbe: {httpGet: {path: /ready, port: 8080}}"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"validate", "mutate"})
    void aDryRunGetsTheSameAnswer(String door) {
        JsonPath real = Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post(door).jsonPath();
        JsonPath dry = Fixtures.client(server).body(Fixtures.review("deployment-create-latest-dryrun")).post(door).jsonPath();
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
            "{\"apiVersion\":\"admission.k8s.io/v1\",\"kind\":\"AdmissionReview\",\"request\":{\"operation\":\"CREATE\"}}|request.uid is missing, expected a string",
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
    void aBodyOverTheLimitGetsA413NamingTheLimit() {
        byte[] big = new byte[3 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        Fixtures.client(server).body(big).post("validate").then().statusCode(413)
                .body(containsString("over the limit of 3145728 bytes (harbormaster.admission.max-request-bytes)"));
    }

    @Test
    void deeplyNestedJsonIsRefusedNotOverflowed() {
        String deep = "[".repeat(100_000);
        Fixtures.client(server).body(deep).post("validate").then().statusCode(400).body(containsString("malformed JSON"));
    }

    @Test
    void healthAndMetricsAreOnTheManagementPort() {
        RestAssured.given().baseUri(managementBase()).get("/q/health/live").then().statusCode(200);
        RestAssured.given().baseUri(managementBase()).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'policies' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'policies' }.data.origin", equalTo("the bundled default pack"))
                .body("checks.find { it.name == 'admission-port' }.status", equalTo("UP"));
        Fixtures.client(server).body(Fixtures.review("deployment-create-latest")).post("validate").then().statusCode(200);
        String metrics = RestAssured.given().baseUri(managementBase()).get("/q/metrics").asString();
        assertThat(metrics)
                .contains("harbormaster_admission_requests_seconds_count{door=\"validate\",kind=\"Deployment\",operation=\"CREATE\",result=\"denied\"}")
                .contains("harbormaster_policy_evaluations_total{action=\"deny\",mode=\"enforce\",outcome=\"violation\",policy=\"disallow-latest-tag\"}")
                .contains("harbormaster_policies_loaded");
    }

    /** Where health and metrics are served; the packaged run ({@link AdmissionResourceIT}) gives its own port. */
    String managementBase() {
        return "http://localhost:" + management.getPort();
    }

    @Test
    void anUnknownPathIsA404NotAnError() {
        Fixtures.client(server).body("{}").post("nothing-here").then().statusCode(404)
                .contentType(startsWith("text/plain")).body(equalTo("no such path; the doors are POST /validate and POST /mutate\n"));
    }

    @Test
    void aDoorAskedWithAnotherMethodIsA405InOneLine() {
        for (String door : new String[] {"validate", "mutate"}) {
            Fixtures.client(server).get(door).then().statusCode(405)
                    .contentType(startsWith("text/plain")).body(equalTo("method not allowed; the doors take POST\n"));
        }
    }
}
