package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The decision log's line for a request that is not a plain allow: what a log pipeline parses. */
class DecisionLineTest {

    static PolicySet pack;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void loadPack() throws Exception {
        pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
    }

    @Test
    void aDeniedRequestsLineHasEveryFieldAtTheTopLevel() throws Exception {
        AdmissionInput input = AdmissionReviewCodec.decode(Fixtures.review("deployment-create-latest"));
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(input, pack, ClusterView.OFFLINE);
        Instant at = Instant.parse("2026-12-01T10:15:30.123Z");

        JsonNode line = JSON.readTree(DecisionRecorder.line("validate", input, verdict, "enforce", pack.revision(), 1_234_567, at, 0));

        List<String> keys = new ArrayList<>();
        line.fieldNames().forEachRemaining(keys::add);
        assertThat(keys).containsExactly("timestamp", "level", "loggerName", "message", "uid", "door", "operation", "group",
                "version", "resource", "subresource", "kind", "namespace", "name", "user", "groups", "dryRun", "allowed", "mode",
                "policySetRevision", "latencyMs", "results");
        assertThat(line.path("timestamp").asText()).isEqualTo("2026-12-01T10:15:30.123Z");
        assertThat(line.path("level").asText()).isEqualTo("INFO");
        assertThat(line.path("loggerName").asText()).isEqualTo("harbormaster.decision");
        assertThat(line.path("message").asText()).isEqualTo("admission denied");
        assertThat(line.path("door").asText()).isEqualTo("validate");
        assertThat(line.path("uid").asText()).isEqualTo(input.uid());
        assertThat(line.path("operation").asText()).isEqualTo("CREATE");
        assertThat(line.path("group").asText()).isEqualTo("apps");
        assertThat(line.path("version").asText()).isEqualTo("v1");
        assertThat(line.path("resource").asText()).isEqualTo("deployments");
        assertThat(line.path("subresource").asText()).isEqualTo(input.subResource());
        assertThat(line.path("kind").asText()).isEqualTo("Deployment");
        assertThat(line.path("namespace").asText()).isEqualTo(input.namespace()).isNotEmpty();
        assertThat(line.path("name").asText()).isEqualTo("web-latest");
        assertThat(line.path("user").asText()).isNotEmpty();
        assertThat(line.path("groups").isArray()).isTrue();
        List<String> groups = new ArrayList<>();
        line.path("groups").forEach(group -> groups.add(group.asText()));
        assertThat(groups).isNotEmpty().contains("system:authenticated");
        assertThat(line.path("dryRun").isBoolean()).isTrue();
        assertThat(line.path("allowed").asBoolean(true)).isFalse();
        assertThat(line.path("mode").asText()).isEqualTo("enforce");
        assertThat(line.path("policySetRevision").asText()).hasSize(12).isEqualTo(pack.revision());
        assertThat(line.path("latencyMs").asDouble()).isEqualTo(1.235);
        assertThat(line.path("results")).anySatisfy(result -> {
            assertThat(result.path("policy").asText()).isEqualTo("disallow-latest-tag");
            assertThat(result.path("outcome").asText()).isEqualTo("violation");
            assertThat(result.path("action").asText()).isEqualTo("deny");
            assertThat(result.path("message").asText()).contains("nginx:latest");
        });
        assertThat(line.path("results")).allSatisfy(result -> assertThat(result.path("outcome").asText()).isNotEqualTo("pass"));
    }

    /** A mutation is no denial: its result says mutated with no action, the line carries the patch. */
    @Test
    void aMutationsLineSaysMutatedAndCarriesThePatch() throws Exception {
        AdmissionInput input = AdmissionReviewCodec.decode(Fixtures.review("deployment-create-compliant"));
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).mutate(input, pack, ClusterView.OFFLINE);
        assertThat(verdict.patch()).as("the fixture is one the pack mutates").isNotNull();

        JsonNode line = JSON.readTree(DecisionRecorder.line("mutate", input, verdict, "enforce", pack.revision(), 1, Instant.now(), 0));

        assertThat(line.path("results")).isNotEmpty().allSatisfy(result -> {
            assertThat(result.path("outcome").asText()).isEqualTo("mutated");
            assertThat(result.path("action").asText()).isEqualTo("none");
        });
        assertThat(line.path("patch").isArray()).isTrue();
        assertThat(line.path("patch")).isNotEmpty();
    }

    /** Audit mode: the same denial is a warning with an audit record, and the line says so in the same case as the metrics. */
    @Test
    void inAuditModeTheLineSaysWarnAndTheMode() throws Exception {
        AdmissionInput input = AdmissionReviewCodec.decode(Fixtures.review("deployment-create-latest"));
        Verdict verdict = new Engine(Engine.Mode.AUDIT).evaluate(input, pack, ClusterView.OFFLINE);

        JsonNode line = JSON.readTree(DecisionRecorder.line("validate", input, verdict, "audit", pack.revision(), 1, Instant.now(), 3));

        assertThat(line.path("allowed").asBoolean()).isTrue();
        assertThat(line.path("mode").asText()).isEqualTo("audit");
        assertThat(line.path("results")).anySatisfy(result -> {
            assertThat(result.path("policy").asText()).isEqualTo("disallow-latest-tag");
            assertThat(result.path("action").asText()).isEqualTo("warn");
        });
        assertThat(line.path("suppressed").asLong()).isEqualTo(3);
    }

    /** A storm of one decision writes one line per interval; the metrics count every request. */
    @Test
    void identicalDecisionsAreWrittenOncePerIntervalAndAllCounted() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        java.util.logging.Logger decisions = java.util.logging.Logger.getLogger(DecisionRecorder.DECISION_LOGGER);
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override public void publish(java.util.logging.LogRecord record) { lines.add(record.getMessage()); }
            @Override public void flush() { }
            @Override public void close() { }
        };
        decisions.addHandler(capture);
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        DecisionRecorder recorder = new DecisionRecorder(metrics, Engine.Mode.ENFORCE);
        Engine engine = new Engine(Engine.Mode.ENFORCE);
        try {
            AdmissionInput denied = AdmissionReviewCodec.decode(Fixtures.review("deployment-create-latest"));
            Verdict verdict = engine.evaluate(denied, pack, ClusterView.OFFLINE);
            for (int i = 0; i < 50; i++) {
                recorder.decided("validate", denied, verdict, pack, 1_000);
            }
            // Another object is another decision: its own line.
            AdmissionInput other = AdmissionReviewCodec.decode(new String(Fixtures.review("deployment-create-latest"),
                    java.nio.charset.StandardCharsets.UTF_8).replace("\"web-latest\"", "\"web-other\"").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            recorder.decided("validate", other, engine.evaluate(other, pack, ClusterView.OFFLINE), pack, 1_000);
        } finally {
            decisions.removeHandler(capture);
        }
        assertThat(lines).hasSize(2);
        assertThat(JSON.readTree(lines.get(0)).path("name").asText()).isEqualTo("web-latest");
        assertThat(JSON.readTree(lines.get(1)).path("name").asText()).isEqualTo("web-other");
        assertThat(metrics.get("harbormaster.admission.requests").tag("result", "denied").timer().count()).isEqualTo(51);
        assertThat(metrics.get("harbormaster.policy.evaluations").tags("policy", "disallow-latest-tag", "outcome", "violation",
                "action", "deny", "mode", "enforce").counter().count()).isEqualTo(51);
    }

    /** In production Quarkus' JSON formatter takes over every console handler: the decision handler gets its own format back. */
    @Test
    void whereJsonLogsTookOverTheDecisionHandlerItsLinesStayWholeObjects() throws Exception {
        org.jboss.logmanager.LogContext logs = org.jboss.logmanager.LogContext.create();
        java.io.StringWriter out = new java.io.StringWriter();
        org.jboss.logmanager.handlers.WriterHandler console = new org.jboss.logmanager.handlers.WriterHandler();
        console.setWriter(out);
        console.setFormatter(new io.quarkus.logging.json.runtime.JsonFormatter());
        org.jboss.logmanager.handlers.AsyncHandler async = new org.jboss.logmanager.handlers.AsyncHandler();
        async.addHandler(console);
        logs.getLogger(DecisionRecorder.DECISION_LOGGER).addHandler(async);
        AdmissionInput input = AdmissionReviewCodec.decode(Fixtures.review("deployment-create-latest"));
        String line = DecisionRecorder.line("validate", input, new Engine(Engine.Mode.ENFORCE).evaluate(input, pack, ClusterView.OFFLINE),
                "enforce", pack.revision(), 1_000, Instant.now(), 0);
        org.jboss.logmanager.ExtLogRecord record = new org.jboss.logmanager.ExtLogRecord(java.util.logging.Level.INFO, line, "test");

        console.publish(record);
        console.flush();
        assertThat(JSON.readTree(out.toString()).path("message").asText()).as("before: the decision is a string").isEqualTo(line);

        out.getBuffer().setLength(0);
        DecisionRecorder.keepLinesWhole(logs);
        console.publish(record);
        console.flush();
        assertThat(out.toString()).isEqualTo(line + System.lineSeparator());
        assertThat(JSON.readTree(out.toString()).path("uid").asText()).isEqualTo(input.uid());
        async.close();
    }
}
