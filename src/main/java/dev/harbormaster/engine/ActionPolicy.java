package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySpec.Action;
import dev.harbormaster.policy.PolicySpec.FailurePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one place where what a policy found becomes what happens: outcome × validationActions ×
 * server mode × failurePolicy → the AdmissionReview response (allowed, status, warnings, audit
 * annotations), the CLI's row, the PolicyReport result and the metric outcome. Every door reads
 * {@link #conclude}, so none can disagree about what a result means.
 */
public final class ActionPolicy {

    /** kubectl prints warnings whole up to this length; kube-apiserver cuts longer ones. */
    public static final int MAX_WARNING_LENGTH = 256;

    private final Engine.Mode mode;

    public ActionPolicy(Engine.Mode mode) {
        this.mode = mode;
    }

    public Engine.Mode mode() {
        return mode;
    }

    /**
     * What a result means, for every door.
     *
     * @param denies    the request is refused
     * @param warns     kubectl shows it as a warning
     * @param annotates it goes into the API server's audit log as an annotation
     * @param label     the CLI's action column (null: not a finding)
     * @param report    the wgpolicyk8s.io PolicyReport result: pass, fail, warn, error, skip
     * @param metric    the {@code outcome} tag of harbormaster_policy_evaluations_total
     */
    public record Conclusion(boolean denies, boolean warns, boolean annotates, String label, String report, String metric) {

        /** The action in effect, as the metrics' {@code action} label and the decision log say it: deny, warn, audit or none. */
        public String action() {
            return denies ? "deny" : warns ? "warn" : annotates ? "audit" : "none";
        }
    }

    /** What a result means; the same answer for the webhook, the CLI, the PolicyReport and the metric. */
    public static Conclusion conclude(PolicyResult result) {
        Set<Action> actions = result.actions();
        boolean auditOnly = !actions.contains(Action.Deny) && !actions.contains(Action.Warn);
        // The metric's outcome tag is the outcome itself, as the decision log writes it.
        String metric = result.outcome().name().toLowerCase(java.util.Locale.ROOT);
        return switch (result.outcome()) {
            case PASS, MUTATED -> new Conclusion(false, false, false, null, "pass", metric);
            case VIOLATION, ERROR -> {
                boolean denies = actions.contains(Action.Deny);
                boolean warns = actions.contains(Action.Warn);
                String label = denies ? "Deny" : warns ? "Warn" : "Audit";
                String report = result.outcome() == Outcome.ERROR ? "error" : warns && !denies && !actions.contains(Action.Audit) ? "warn" : "fail";
                yield new Conclusion(denies, warns, actions.contains(Action.Audit), label, report, metric);
            }
            // Never deny on missing knowledge: say that the rule could not be checked, where the policy speaks.
            case UNCHECKED -> new Conclusion(false, !auditOnly, auditOnly, auditOnly ? "Audit" : "Warn", "skip", metric);
            case OPTED_OUT -> new Conclusion(false, false, true, "Skip", "skip", metric);
            case ERROR_IGNORED -> new Conclusion(false, false, false, "Error", "error", metric);
            // An exemption is never silent: kubectl shows it, the audit log and the report keep it.
            case EXEMPTED -> new Conclusion(false, true, true, "Skip", "skip", metric);
            case EXCEPTION_EXPIRED -> new Conclusion(false, true, true, "Warn", "warn", metric);
        };
    }

    /**
     * The results a policy can count besides a pass, in this mode: its violation (a mutating policy's
     * change) and its error, with the actions in force. The metrics make their counters at 0 from these.
     */
    public List<PolicyResult> findings(CompiledPolicy policy) {
        boolean validating = policy.kind() == CompiledPolicy.Kind.VALIDATING;
        Set<Action> actions = inForce(validating ? policy.actions() : EnumSet.of(Action.Deny));
        Outcome error = policy.failurePolicy() == FailurePolicy.Ignore ? Outcome.ERROR_IGNORED : Outcome.ERROR;
        return List.of(new PolicyResult(policy.name(), validating ? Outcome.VIOLATION : Outcome.MUTATED, actions, "", null, null),
                new PolicyResult(policy.name(), error, actions, "", null, null));
    }

    /** The actions in force for a policy: as written, or in audit mode every Deny as Warn + Audit. */
    Set<Action> inForce(Set<Action> declared) {
        if (mode == Engine.Mode.ENFORCE || !declared.contains(Action.Deny)) {
            return declared;
        }
        Set<Action> audited = EnumSet.copyOf(declared);
        audited.remove(Action.Deny);
        audited.add(Action.Warn);
        audited.add(Action.Audit);
        return audited;
    }

    /** A ratcheted UPDATE (it breaks the rule as the old object did) warns where it would deny. */
    static Set<Action> ratcheted(Set<Action> actions) {
        if (!actions.contains(Action.Deny)) {
            return actions;
        }
        Set<Action> softened = EnumSet.copyOf(actions);
        softened.remove(Action.Deny);
        softened.add(Action.Warn);
        return softened;
    }

    /**
     * An expression that could not be evaluated: an error that counts (Fail) or one that is only
     * recorded (Ignore). The message names the object ("Deployment web: …"), so the developer knows
     * which one failed.
     */
    static PolicyResult failed(CompiledPolicy policy, Set<Action> actions, AdmissionInput input, String where, String error) {
        String subject = input.kind().kind() + " " + (input.name().isEmpty() ? "(no name yet)" : input.name());
        String message = subject + ": " + (where.isEmpty() ? error : where + " could not be evaluated: " + error);
        if (policy.failurePolicy() == FailurePolicy.Ignore) {
            return new PolicyResult(policy.name(), Outcome.ERROR_IGNORED, actions, message, null, null);
        }
        return new PolicyResult(policy.name(), Outcome.ERROR, actions, message + " (failurePolicy: Fail)", "Forbidden", null);
    }

    /**
     * The verdict of one door: every result concluded, the denials in one status, the warnings
     * shortened to what kubectl shows whole.
     *
     * @param notices warnings that are no result (an opt-out that is not honoured)
     * @param patch   for mutation: the JSONPatch from the object sent to {@code mutated}, or null
     */
    static Verdict verdict(List<PolicyResult> results, List<String> notices, Map<String, String> annotations,
                           ArrayNode patch, Map<String, Object> mutated) {
        List<String> denials = new ArrayList<>();
        String reason = null;
        List<String> warnings = new ArrayList<>();
        notices.forEach(notice -> warnings.add(shortened(notice)));
        Map<String, String> auditAnnotations = new LinkedHashMap<>(annotations);
        for (PolicyResult result : results) {
            Conclusion conclusion = conclude(result);
            String line = "[" + result.policy() + "] " + result.message();
            if (conclusion.denies()) {
                denials.add(line);
                reason = reason == null ? result.reason() : reason;
            }
            if (conclusion.warns()) {
                warnings.add(shortened(line));
            }
            if (conclusion.annotates()) {
                auditAnnotations.merge(result.policy(), result.message(), (a, b) -> a + "; " + b);
            }
        }
        Verdict.Denial denial = denials.isEmpty() ? null : new Verdict.Denial(code(reason), reason, String.join("\n", denials));
        boolean changed = denial == null && mutated != null;
        return new Verdict(denial == null, List.copyOf(results), denial, List.copyOf(warnings),
                Collections.unmodifiableMap(auditAnnotations), changed ? patch : null, changed ? mutated : null);
    }

    private static String shortened(String warning) {
        return warning.length() <= MAX_WARNING_LENGTH ? warning : warning.substring(0, MAX_WARNING_LENGTH - 1) + "…";
    }

    private static int code(String reason) {
        return switch (reason == null ? "Invalid" : reason) {
            case "Unauthorized" -> 401;
            case "Forbidden" -> 403;
            case "RequestEntityTooLarge" -> 413;
            default -> 422;
        };
    }
}
