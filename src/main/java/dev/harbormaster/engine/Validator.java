package dev.harbormaster.engine;

import dev.harbormaster.cel.CelResult;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySpec.Action;
import java.util.Set;
import java.util.regex.Pattern;

/** Runs one validating policy on a request: each validation gives a result, never an exception. */
final class Validator {

    /** What a ratcheted violation's message starts with (the in-tree lowering writes the same). */
    public static final String RATCHETED_PREFIX = "not blocking (already broken): ";

    private static final Pattern LINE_BREAK = Pattern.compile("\\s*\\R\\s*");

    private Validator() {
    }

    static void validate(CompiledPolicy policy, Set<Action> actions, Evaluation evaluation) {
        AdmissionInput input = evaluation.input;
        Activation activation = evaluation.activation(policy, input);
        if (!evaluation.applies(policy, actions, input, activation)) {
            return;
        }
        int resultsBefore = evaluation.results.size();
        for (CompiledPolicy.Check check : policy.validations()) {
            var exemption = evaluation.exemption(policy, input, check.index());
            if (exemption.isPresent()) {
                evaluation.results.add(new PolicyResult(policy.name(), Outcome.EXEMPTED, actions,
                        "validations[" + check.index() + "]" + (check.name() == null ? "" : " (" + check.name() + ")") + " "
                                + exemption.get().exemption(), null, check.fieldPath()));
                continue;
            }
            CelResult result = activation.eval(check.expression());
            if (result instanceof CelResult.Failure failure) {
                evaluation.failed(policy, actions, "validations[" + check.index() + "]", failure);
                if (failure.unchecked()) {
                    return;
                }
                continue;
            }
            Object value = ((CelResult.Value) result).value();
            if (Boolean.TRUE.equals(value)) {
                continue;
            }
            if (!(value instanceof Boolean)) {
                evaluation.results.add(ActionPolicy.failed(policy, actions, input, "validations[" + check.index() + "]",
                        "evaluated to " + value + ", not a bool"));
                continue;
            }
            String message = message(check, activation);
            if (policy.ratchetOnUpdate() && evaluation.ratchet && message.equals(messageBefore(check, policy, evaluation))) {
                evaluation.results.add(new PolicyResult(policy.name(), Outcome.VIOLATION, ActionPolicy.ratcheted(actions),
                        RATCHETED_PREFIX + message,
                        check.reason(), check.fieldPath()));
                continue;
            }
            evaluation.results.add(new PolicyResult(policy.name(), Outcome.VIOLATION, actions, message, check.reason(), check.fieldPath()));
        }
        for (CompiledPolicy.Named annotation : policy.auditAnnotations()) {
            CelResult result = activation.eval(annotation.expression());
            if (result instanceof CelResult.Failure failure) {
                evaluation.failed(policy, actions, "auditAnnotations '" + annotation.name() + "'", failure);
            } else if (((CelResult.Value) result).value() instanceof String text && !text.isEmpty()) {
                evaluation.auditAnnotations.put(policy.name() + "." + annotation.name(), text);
            }
        }
        if (evaluation.results.size() == resultsBefore) {
            evaluation.results.add(new PolicyResult(policy.name(), Outcome.PASS, actions, null, null, null));
        }
    }

    /**
     * On UPDATE: the message the old object got from this validation, or null when it passed. Equal
     * messages mean the update did not make things worse (the messages name what is wrong, so a new
     * offending container changes them).
     */
    private static String messageBefore(CompiledPolicy.Check check, CompiledPolicy policy, Evaluation evaluation) {
        AdmissionInput input = evaluation.input;
        if (!"UPDATE".equals(input.operation()) || input.oldObject() == null) {
            return null;
        }
        Activation before = evaluation.activation(policy, input.withObject(input.oldObject()));
        return before.eval(check.expression()) instanceof CelResult.Value value && Boolean.FALSE.equals(value.value())
                ? message(check, before) : null;
    }

    /** The message a developer reads: messageExpression if it gives one, else message, else the rule itself. */
    private static String message(CompiledPolicy.Check check, Activation activation) {
        if (check.messageExpression() != null
                && activation.eval(check.messageExpression()) instanceof CelResult.Value value
                && value.value() instanceof String text && !text.isBlank()) {
            return oneLine(text);
        }
        // As in Kubernetes: a failing messageExpression falls back to message.
        if (check.message() != null && !check.message().isBlank()) {
            return oneLine(check.message());
        }
        return "failed expression: " + check.expression().source();
    }

    static String oneLine(String text) {
        String stripped = text.strip();
        // Most messages have no line break; the regex's scan was 7 % of the engine's time on a request with two warnings.
        return hasLineBreak(stripped) ? LINE_BREAK.matcher(stripped).replaceAll(" ") : stripped;
    }

    /** Whether the text holds a character of {@code \R}: LF, VT, FF, CR, NEL, LS or PS. */
    private static boolean hasLineBreak(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= '\n' && c <= '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
                return true;
            }
        }
        return false;
    }
}
