package dev.harbormaster.admission;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.engine.ActionPolicy;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.Verdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Makes decisions visible: request and per-policy metrics for every request, and one JSON log line
 * for each decision that is not a plain allow (denials, warnings, audits, ignored errors).
 */
@ApplicationScoped
public class DecisionRecorder {

    private static final Logger DECISIONS = Logger.getLogger("harbormaster.decision");
    private static final Logger LOG = Logger.getLogger(DecisionRecorder.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MeterRegistry metrics;
    /** Meters by their tags: the registry's own lookup builds and sorts tags on every call, on the request path. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DecisionRecorder(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    public void decided(String door, AdmissionInput input, Verdict verdict, long nanos) {
        String result = !verdict.allowed() ? "denied"
                : verdict.patch() != null ? "mutated"
                : verdict.warnings().isEmpty() ? "allowed" : "warned";
        String operation = input.operation();
        String kind = input.kind().kind();
        timers.computeIfAbsent(door + ' ' + operation + ' ' + kind + ' ' + result, key -> Timer.builder("harbormaster.admission.requests")
                        .description("AdmissionReviews answered, by door, operation, kind and result")
                        .tags("door", door, "operation", operation, "kind", kind, "result", result)
                        .publishPercentileHistogram()
                        .register(metrics))
                .record(nanos, TimeUnit.NANOSECONDS);
        for (PolicyResult policy : verdict.results()) {
            String outcome = ActionPolicy.conclude(policy).metric();
            counters.computeIfAbsent(policy.policy() + ' ' + outcome, key -> metrics.counter("harbormaster.policy.evaluations",
                    "policy", policy.policy(), "outcome", outcome)).increment();
        }
        boolean ignoredErrors = verdict.results().stream().anyMatch(r -> r.outcome() == PolicyResult.Outcome.ERROR_IGNORED);
        if (!verdict.isPlainAllow() || ignoredErrors) {
            DECISIONS.info(line(door, input, verdict));
        }
    }

    public void rejected(String door, String reason) {
        metrics.counter("harbormaster.admission.bad.requests", "door", door).increment();
        LOG.warnf("%s: answered 400 to a request that is not a usable AdmissionReview: %s", door, reason);
    }

    private static String line(String door, AdmissionInput input, Verdict verdict) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("door", door);
        line.put("uid", input.uid());
        line.put("operation", input.operation());
        line.put("kind", input.kind().kind());
        line.put("namespace", input.namespace());
        line.put("name", input.name());
        line.put("user", CelJson.string(CelJson.map(input.request(), "userInfo"), "username"));
        line.put("dryRun", input.dryRun());
        line.put("allowed", verdict.allowed());
        List<Map<String, Object>> results = verdict.results().stream()
                .filter(r -> r.outcome() != PolicyResult.Outcome.PASS)
                .map(r -> {
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("policy", r.policy());
                    entry.put("outcome", r.outcome());
                    entry.put("actions", r.actions());
                    entry.put("message", r.message());
                    return entry;
                })
                .toList();
        line.put("results", results);
        if (verdict.patch() != null) {
            line.put("patch", verdict.patch());
        }
        try {
            return JSON.writeValueAsString(line);
        } catch (JsonProcessingException e) {
            return line.toString();
        }
    }
}
