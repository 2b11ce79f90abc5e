package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySpec.Action;
import dev.harbormaster.policy.PolicySpec.FailurePolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Gathers the results of all policies into one verdict. */
final class Decision {
    final List<PolicyResult> results = new ArrayList<>();
    final Map<String, String> auditAnnotations = new LinkedHashMap<>();
    final ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    final List<String> notices = new ArrayList<>();
    Map<String, Object> mutatedObject;
    /** The object of the request, "Deployment web", which an evaluation error names. */
    private final String subject;

    Decision(String subject) {
        this.subject = subject;
    }

    void add(PolicyResult result) {
        results.add(result);
    }

    /** Records an expression that could not be evaluated, as a violation or an ignored error. */
    void failed(CompiledPolicy policy, Set<Action> actions, String where, String error) {
        String message = subject + ": " + (where.isEmpty() ? error : where + " could not be evaluated: " + error);
        if (policy.failurePolicy() == FailurePolicy.Ignore) {
            results.add(new PolicyResult(policy.name(), Outcome.ERROR_IGNORED, actions, message, null, null));
        } else {
            results.add(new PolicyResult(policy.name(), Outcome.VIOLATION, actions,
                    message + " (failurePolicy: Fail)", "Forbidden", null));
        }
    }

    /** Something the user should hear about that is not a verdict: a warning. */
    void notice(CompiledPolicy policy, String message) {
        notices.add("[" + policy.name() + "] " + message);
    }

    void unchecked(CompiledPolicy policy, Set<Action> actions, String reason) {
        results.add(new PolicyResult(policy.name(), Outcome.UNCHECKED, actions, "could not check: " + reason, null, null));
    }

    Verdict verdict() {
        List<String> denials = new ArrayList<>();
        String reason = null;
        List<String> warnings = new ArrayList<>();
        notices.forEach(notice -> warnings.add(shortened(notice)));
        for (PolicyResult result : results) {
            String line = "[" + result.policy() + "] " + result.message();
            if (result.outcome() == Outcome.OPTED_OUT) {
                auditAnnotations.merge(result.policy(), result.message(), (a, b) -> a + "; " + b);
            }
            if (result.outcome() == Outcome.UNCHECKED) {
                // Never deny on missing knowledge: say that the rule could not be checked.
                if (result.actions().contains(Action.Audit) && !result.actions().contains(Action.Deny)
                        && !result.actions().contains(Action.Warn)) {
                    auditAnnotations.merge(result.policy(), result.message(), (a, b) -> a + "; " + b);
                } else {
                    warnings.add(shortened(line));
                }
            }
            if (result.outcome() != Outcome.VIOLATION) {
                continue;
            }
            if (result.actions().contains(Action.Deny)) {
                denials.add(line);
                reason = reason == null ? result.reason() : reason;
            }
            if (result.actions().contains(Action.Warn)) {
                warnings.add(shortened(line));
            }
            if (result.actions().contains(Action.Audit)) {
                auditAnnotations.merge(result.policy(), result.message(), (a, b) -> a + "; " + b);
            }
        }
        Verdict.Denial denial = denials.isEmpty() ? null
                : new Verdict.Denial(code(reason), reason, String.join("\n", denials));
        return new Verdict(denial == null, List.copyOf(results), denial, List.copyOf(warnings),
                Collections.unmodifiableMap(auditAnnotations),
                denial == null && mutatedObject != null ? patch : null, denial == null ? mutatedObject : null);
    }

    private static String shortened(String warning) {
        return warning.length() <= Engine.MAX_WARNING_LENGTH ? warning : warning.substring(0, Engine.MAX_WARNING_LENGTH - 1) + "…";
    }

    private static int code(String reason) {
        return switch (reason) {
            case "Unauthorized" -> 401;
            case "Forbidden" -> 403;
            case "RequestEntityTooLarge" -> 413;
            default -> 422;
        };
    }
}
