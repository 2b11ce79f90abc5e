package dev.harbormaster.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.engine.ActionPolicy;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.BuiltInTypes;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import org.jboss.logging.Logger;
import org.jboss.logmanager.ExtHandler;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.formatters.StructuredFormatter;

/**
 * Makes decisions visible: request and per-policy metrics for every request, and one JSON log line
 * for each decision that is not a plain allow (denials, warnings, audits, ignored errors).
 *
 * <p>The line is a whole JSON object with the decision's fields at the top level, which its handler
 * prints as it is, with text and JSON logs alike ({@link #keepLinesWhole}). Identical decisions (the
 * same request attributes and results, uid and time aside) are written once per
 * {@link #IDENTICAL_DECISIONS}; the next line written says how many it stands for
 * ({@code "suppressed"}). The metrics count every one.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its counters exist at 0 from the start, not from the first request
public class DecisionRecorder {

    static final String DECISION_LOGGER = "harbormaster.decision";
    /** A controller retrying a denied create repeats one decision many times a second: one line per key per interval. */
    static final Duration IDENTICAL_DECISIONS = Duration.ofSeconds(10);
    /** Request latency buckets, in seconds: a few around the server's milliseconds, then up to the webhook's longest timeout. */
    static final Duration[] LATENCY_BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
            Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)};
    /** The doors' label values; every other path is "other". */
    static final List<String> DOORS = List.of("validate", "mutate", "other");
    /** Effective actions in the order of {@link #actionIndex}. */
    private static final int ACTIONS = 4;

    private static final Logger DECISIONS = Logger.getLogger(DECISION_LOGGER);
    private static final Logger LOG = Logger.getLogger(DecisionRecorder.class);
    private static final JsonFactory JSON = new ObjectMapper().getFactory();
    /** A client that repeats one mistake gets one line every few seconds, not one per request. */
    private static final RateLimitedLog BAD_REQUESTS = new RateLimitedLog(LOG, 5_000);
    private final RateLimitedLog identical = new RateLimitedLog(DECISIONS, IDENTICAL_DECISIONS.toMillis());

    private final MeterRegistry metrics;
    private final String mode;
    /** Meters by their tags: the registry's own lookup builds and sorts tags on every call, on the request path. */
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    /** Per policy, a counter per outcome and action (outcome ordinal × {@link #ACTIONS} + action index), made when first needed. */
    private final Map<String, Counter[]> evaluations = new ConcurrentHashMap<>();
    private final Map<String, Counter> badRequests = new ConcurrentHashMap<>();
    private final Counter internalErrors;
    private final ActionPolicy actionPolicy;

    @Inject
    public DecisionRecorder(MeterRegistry metrics, Engine engine, PolicyStore policies) {
        this(metrics, engine.mode());
        policies.whenInForce(this::countFrom);
        keepLinesWhole(LogContext.getLogContext());
    }

    public DecisionRecorder(MeterRegistry metrics, Engine.Mode mode) {
        this.metrics = metrics;
        this.mode = label(mode);
        this.actionPolicy = new ActionPolicy(mode);
        // Present at 0 from the start, so that increase() sees the first bad request.
        for (String door : DOORS) {
            badRequests.put(door, Counter.builder("harbormaster.admission.bad.requests")
                    .description("Requests answered 400 because they are not a usable AdmissionReview, by door")
                    .tag("door", door)
                    .register(metrics));
        }
        internalErrors = Counter.builder("harbormaster.admission.internal.errors")
                .description("Requests answered 500 because of a bug (kube-apiserver then applies the webhook's failurePolicy); "
                        + "the log has one line per kind of failure")
                .register(metrics);
    }

    /**
     * Makes the counters of a set's policies, at 0, for the results that alerts watch (a violation or
     * an error with the action in force): {@code increase()} then sees a policy's first denial.
     */
    void countFrom(PolicySet set) {
        for (List<CompiledPolicy> policies : List.of(set.validating(), set.mutating())) {
            for (CompiledPolicy policy : policies) {
                for (PolicyResult finding : actionPolicy.findings(policy)) {
                    evaluation(finding.policy(), finding.outcome(), ActionPolicy.conclude(finding));
                }
            }
        }
    }

    /**
     * The decision line is a whole JSON object already; where Quarkus' JSON formatter has taken over
     * its handler too (production: quarkus-logging-json has no per-handler switch), it would become the
     * {@code message} string of another object. This puts the handler's "%s%n" back, so a log pipeline
     * reads the decision's fields as fields.
     */
    static void keepLinesWhole(LogContext logs) {
        for (Handler handler : logs.getLogger(DECISION_LOGGER).getHandlers()) {
            keepWhole(handler);
        }
    }

    private static void keepWhole(Handler handler) {
        if (handler.getFormatter() instanceof StructuredFormatter) {
            handler.setFormatter(new PatternFormatter("%s%n"));
        }
        if (handler instanceof ExtHandler nesting) {
            for (Handler nested : nesting.getHandlers()) {
                keepWhole(nested);
            }
        }
    }

    /** A bug met while answering: counted, and logged once per kind of failure per interval. */
    public void unexpected(Throwable failure) {
        internalErrors.increment();
        FailureAnswers.logUnexpected(failure);
    }

    /** An enum's name as a label value: lower-case, as every label value in the metrics and the log. */
    static String label(Enum<?> value) {
        return value.name().toLowerCase(Locale.ROOT);
    }

    public void decided(String door, AdmissionInput input, Verdict verdict, PolicySet policies, long nanos) {
        String result = !verdict.allowed() ? "denied"
                : verdict.patch() != null ? "mutated"
                : verdict.warnings().isEmpty() ? "allowed" : "warned";
        String operation = input.operation();
        String kind = kindLabel(input.kind().kind());
        timers.computeIfAbsent(door + ' ' + operation + ' ' + kind + ' ' + result, key -> Timer.builder("harbormaster.admission.requests")
                        .description("AdmissionReviews answered, by door, operation, kind and result; the time from the body read to the answer encoded")
                        .tags("door", door, "operation", operation, "kind", kind, "result", result)
                        .serviceLevelObjectives(LATENCY_BUCKETS)
                        .register(metrics))
                .record(nanos, TimeUnit.NANOSECONDS);
        boolean ignoredErrors = false;
        for (PolicyResult policy : verdict.results()) {
            ActionPolicy.Conclusion conclusion = ActionPolicy.conclude(policy);
            evaluation(policy.policy(), policy.outcome(), conclusion).increment();
            ignoredErrors |= policy.outcome() == PolicyResult.Outcome.ERROR_IGNORED;
        }
        if (!verdict.isPlainAllow() || ignoredErrors) {
            long suppressed = identical.admit(identityOf(door, input, verdict));
            if (suppressed >= 0) {
                DECISIONS.info(line(door, input, verdict, mode, policies.revision(), nanos, Instant.now(), suppressed));
            }
        }
    }

    private Counter evaluation(String policy, PolicyResult.Outcome outcome, ActionPolicy.Conclusion conclusion) {
        Counter[] byOutcome = evaluations.computeIfAbsent(policy, name -> new Counter[PolicyResult.Outcome.values().length * ACTIONS]);
        int index = outcome.ordinal() * ACTIONS + actionIndex(conclusion.action());
        Counter counter = byOutcome[index];
        if (counter == null) {
            counter = Counter.builder("harbormaster.policy.evaluations")
                    .description("Policy results, by policy, outcome (pass, mutated, violation, error, error_ignored, opted_out, "
                            + "unchecked), the action in effect (deny, warn, audit, none) and the server mode")
                    .tags("policy", policy, "outcome", conclusion.metric(), "action", conclusion.action(), "mode", mode)
                    .register(metrics);
            byOutcome[index] = counter;
        }
        return counter;
    }

    private static int actionIndex(String action) {
        return switch (action) {
            case "deny" -> 0;
            case "warn" -> 1;
            case "audit" -> 2;
            default -> 3;
        };
    }

    /** What makes two decision lines the same, uid and time aside. */
    private static String identityOf(String door, AdmissionInput input, Verdict verdict) {
        StringBuilder key = new StringBuilder(128).append(door).append('|').append(input.operation()).append('|')
                .append(input.kind().kind()).append('|').append(input.namespace()).append('|').append(input.name()).append('|')
                .append(CelJson.string(CelJson.map(input.request(), "userInfo"), "username")).append('|').append(verdict.allowed());
        for (PolicyResult result : verdict.results()) {
            if (result.outcome() != PolicyResult.Outcome.PASS) {
                key.append('|').append(result.policy()).append(':').append(result.outcome().ordinal());
            }
        }
        return key.toString();
    }

    /**
     * A metric label from a request's kind: the kinds Kubernetes serves, else "other". A label value
     * from the request is a new time series per value (5,000 kinds made a 118 MB scrape).
     */
    static String kindLabel(String kind) {
        return BuiltInTypes.RESOURCE_KINDS.contains(kind) ? kind : "other";
    }

    public void rejected(String door, String reason) {
        String label = door.replace("/", "");
        badRequests.get(DOORS.contains(label) ? label : "other").increment();
        BAD_REQUESTS.log(Logger.Level.WARN, door, door + ": answered 400 to a request that is not a usable AdmissionReview: " + reason);
    }

    /** Groups quoted per line: a request may claim thousands. */
    private static final int MAX_GROUPS = 32;

    private static String capped(String value) {
        return value == null || value.length() <= 253 ? value : value.substring(0, 252) + "…";
    }

    /**
     * The decision's JSON line, written field by field (no map per request): the keys of the server's
     * other JSON lines first (timestamp, level, loggerName, message), then the request and each result
     * as the one action policy concludes it, as the metrics and reports do.
     *
     * @param suppressed identical lines not written since the last one of this decision
     */
    static String line(String door, AdmissionInput input, Verdict verdict, String mode, String revision, long nanos,
                       Instant at, long suppressed) {
        StringWriter out = new StringWriter(512);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("timestamp", at.toString());
            json.writeStringField("level", "INFO");
            json.writeStringField("loggerName", DECISION_LOGGER);
            json.writeStringField("message", verdict.allowed() ? "admission allowed" : "admission denied");
            // Values from the request are capped at Kubernetes' longest name: a hostile request cannot make a line of megabytes.
            json.writeStringField("uid", capped(input.uid()));
            json.writeStringField("door", door);
            json.writeStringField("operation", input.operation());
            json.writeStringField("group", capped(input.resource().group()));
            json.writeStringField("version", capped(input.resource().version()));
            json.writeStringField("resource", capped(input.resource().resource()));
            json.writeStringField("subresource", capped(input.subResource()));
            json.writeStringField("kind", capped(input.kind().kind()));
            json.writeStringField("namespace", capped(input.namespace()));
            json.writeStringField("name", capped(input.name()));
            Map<String, Object> user = CelJson.map(input.request(), "userInfo");
            json.writeStringField("user", capped(CelJson.string(user, "username")));
            json.writeArrayFieldStart("groups");
            int groups = 0;
            for (Object group : CelJson.list(user, "groups")) {
                if (group instanceof String name && groups++ < MAX_GROUPS) {
                    json.writeString(capped(name));
                }
            }
            json.writeEndArray();
            json.writeBooleanField("dryRun", input.dryRun());
            json.writeBooleanField("allowed", verdict.allowed());
            json.writeStringField("mode", mode);
            json.writeStringField("policySetRevision", revision);
            json.writeNumberField("latencyMs", Math.round(nanos / 1_000.0) / 1_000.0);
            json.writeArrayFieldStart("results");
            for (PolicyResult result : verdict.results()) {
                if (result.outcome() == PolicyResult.Outcome.PASS) {
                    continue;
                }
                ActionPolicy.Conclusion conclusion = ActionPolicy.conclude(result);
                json.writeStartObject();
                json.writeStringField("policy", result.policy());
                json.writeStringField("outcome", conclusion.metric());
                json.writeStringField("action", conclusion.action());
                json.writeStringField("message", result.message());
                json.writeEndObject();
            }
            json.writeEndArray();
            if (verdict.patch() != null) {
                json.writeFieldName("patch");
                json.writeTree(verdict.patch());
            }
            if (suppressed > 0) {
                json.writeNumberField("suppressed", suppressed);
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("a StringWriter does not fail", e);
        }
        return out.toString();
    }
}
