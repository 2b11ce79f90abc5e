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
    /** A client that repeats one mistake gets one line every few seconds, not one per request. */
    private static final RateLimitedLog BAD_REQUESTS = new RateLimitedLog(LOG, 5_000);

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
        String kind = kindLabel(input.kind().kind());
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

    /**
     * A metric label from a request's kind: the kinds Kubernetes serves, else "other". A label value
     * from the request is a new time series per value (5,000 kinds made a 118 MB scrape).
     */
    static String kindLabel(String kind) {
        return KNOWN_KINDS.contains(kind) ? kind : "other";
    }

    private static final java.util.Set<String> KNOWN_KINDS = java.util.Set.of(
            "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Job", "CronJob", "ReplicationController",
            "PodDisruptionBudget", "HorizontalPodAutoscaler", "Namespace", "Service", "ConfigMap", "Secret",
            "ServiceAccount", "PersistentVolumeClaim", "PersistentVolume", "Ingress", "IngressClass", "NetworkPolicy",
            "Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding", "Node", "Endpoints", "EndpointSlice",
            "LimitRange", "ResourceQuota", "PriorityClass", "StorageClass", "CustomResourceDefinition",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
            "Event", "Lease", "RuntimeClass", "CSIDriver", "VolumeAttachment");

    public void rejected(String door, String reason) {
        String label = door.replace("/", "");
        metrics.counter("harbormaster.admission.bad.requests", "door",
                label.equals("validate") || label.equals("mutate") ? label : "other").increment();
        BAD_REQUESTS.log(Logger.Level.WARN, door, door + ": answered 400 to a request that is not a usable AdmissionReview: " + reason);
    }

    private static String capped(String value) {
        return value == null || value.length() <= 253 ? value : value.substring(0, 252) + "…";
    }

    /** The decision's JSON line: each result as the one action policy concludes it, as the metrics and reports do. */
    static String line(String door, AdmissionInput input, Verdict verdict) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("door", door);
        line.put("uid", capped(input.uid()));
        line.put("operation", input.operation());
        // Values from the request are capped at Kubernetes' longest name: a hostile request cannot make a line of megabytes.
        line.put("kind", capped(input.kind().kind()));
        line.put("namespace", capped(input.namespace()));
        line.put("name", capped(input.name()));
        line.put("user", capped(CelJson.string(CelJson.map(input.request(), "userInfo"), "username")));
        line.put("dryRun", input.dryRun());
        line.put("allowed", verdict.allowed());
        List<Map<String, Object>> results = verdict.results().stream()
                .filter(r -> r.outcome() != PolicyResult.Outcome.PASS)
                .map(r -> {
                    ActionPolicy.Conclusion conclusion = ActionPolicy.conclude(r);
                    Map<String, Object> entry = new LinkedHashMap<>();
                    entry.put("policy", r.policy());
                    entry.put("outcome", conclusion.metric());
                    if (conclusion.label() != null) {
                        entry.put("action", conclusion.label());
                    }
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
