package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.admission.Fixtures;
import io.fabric8.zjsonpatch.JsonPatch;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * harbormaster audit gives the verdicts the cluster would: for each captured request, the CLI on
 * the same object (offline, as the test server is) and the webhook (mutate, apply the patch, then
 * validate, as kube-apiserver does) agree on allowed, on the policies that deny and on those that warn.
 */
@QuarkusTest
class AuditMatchesWebhookTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    /** A verdict reduced to what must agree. */
    record Outcome(boolean allowed, TreeSet<String> denying, TreeSet<String> warning) {
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "deployment-create-latest", "deployment-create-latest-dryrun", "deployment-create-untagged-registry-port",
            "deployment-create-compliant", "deployment-create-no-probes-no-pdb", "deployment-create-prestop-exec-over-budget",
            "deployment-create-latest-with-digest-sleep-action", "deployment-update-image-to-latest",
            "deployment-update-remove-liveness", "statefulset-create", "daemonset-create-liveness-only", "job-create",
            "cronjob-create-latest", "pod-create-sidecar-init", "pdb-create-min-available-1", "pdb-create-max-unavailable-0",
            "pdb-create-min-available-100pct", "hpa-create"})
    void theCliAndTheWebhookAgree(String fixture, @TempDir Path dir) throws Exception {
        JsonNode request = JSON.readTree(Fixtures.review(fixture)).path("request");
        assertThat(cli(request, dir)).isEqualTo(webhook(fixture));
    }

    private Outcome webhook(String fixture) throws Exception {
        ObjectNode review = (ObjectNode) JSON.readTree(Fixtures.review(fixture));
        JsonNode mutation = JSON.readTree(Fixtures.client(server).body(Fixtures.review(fixture)).post("mutate").asString()).path("response");
        if (mutation.has("patch")) {
            JsonNode patch = JSON.readTree(Base64.getDecoder().decode(mutation.path("patch").asText()));
            ((ObjectNode) review.path("request")).set("object", JsonPatch.apply(patch, review.path("request").path("object")));
        }
        JsonNode validation = JSON.readTree(Fixtures.client(server).body(JSON.writeValueAsBytes(review)).post("validate").asString()).path("response");
        TreeSet<String> denying = new TreeSet<>();
        for (String line : validation.path("status").path("message").asText("").split("\n")) {
            if (!line.isEmpty()) {
                denying.add(line.substring(1, line.indexOf(']')));
            }
        }
        List<JsonNode> warnings = new ArrayList<>();
        mutation.path("warnings").forEach(warnings::add);
        validation.path("warnings").forEach(warnings::add);
        return new Outcome(validation.path("allowed").asBoolean() && mutation.path("allowed").asBoolean(), denying, policies(warnings));
    }

    private static Outcome cli(JsonNode request, Path dir) throws Exception {
        Path object = Files.writeString(dir.resolve("object.yaml"), JSON.writeValueAsString(request.path("object")));
        List<String> args = new ArrayList<>(List.of("audit", "--offline", "-o", "json"));
        if (request.path("oldObject").isObject()) {
            args.add("--old");
            args.add(Files.writeString(dir.resolve("old.yaml"), JSON.writeValueAsString(request.path("oldObject"))).toString());
        }
        args.add(object.toString());
        CliRun run = CliRun.of(args.toArray(String[]::new));
        assertThat(run.exitCode()).as(run.err()).isIn(0, 1);
        JsonNode report = JSON.readTree(run.out()).at("/objects/0");
        TreeSet<String> denying = new TreeSet<>();
        report.path("findings").forEach(f -> {
            if (f.path("action").asText().equals("Deny")) {
                denying.add(f.path("policy").asText());
            }
        });
        List<JsonNode> warnings = new ArrayList<>();
        report.path("warnings").forEach(warnings::add);
        return new Outcome(report.path("allowed").asBoolean(), denying, policies(warnings));
    }

    private static TreeSet<String> policies(List<JsonNode> lines) {
        TreeSet<String> policies = new TreeSet<>();
        lines.forEach(line -> policies.add(line.asText().substring(1, line.asText().indexOf(']'))));
        return policies;
    }
}
