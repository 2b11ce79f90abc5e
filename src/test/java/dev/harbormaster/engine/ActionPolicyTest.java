package dev.harbormaster.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.engine.ActionPolicy.Conclusion;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.PolicySpec.Action;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The one action policy: for every outcome and every set of actions a policy may have (in both
 * server modes), the response, the CLI's label, the PolicyReport result and the metric agree.
 */
class ActionPolicyTest {

    /** The action sets a policy file may declare (Deny and Warn exclude each other). */
    private static final List<Set<Action>> DECLARED = List.of(EnumSet.of(Action.Deny), EnumSet.of(Action.Warn),
            EnumSet.of(Action.Audit), EnumSet.of(Action.Deny, Action.Audit), EnumSet.of(Action.Warn, Action.Audit));

    static Stream<Arguments> everyCombination() {
        List<Arguments> all = new ArrayList<>();
        for (Engine.Mode mode : Engine.Mode.values()) {
            for (Set<Action> declared : DECLARED) {
                for (Outcome outcome : Outcome.values()) {
                    all.add(Arguments.of(mode, declared, outcome));
                }
            }
        }
        return all.stream();
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @MethodSource("everyCombination")
    void theResponseTheCliTheReportAndTheMetricAgree(Engine.Mode mode, Set<Action> declared, Outcome outcome) {
        Set<Action> actions = new ActionPolicy(mode).inForce(declared);
        PolicyResult result = new PolicyResult("p", outcome, actions, "what is wrong", "Invalid", null);
        Conclusion conclusion = ActionPolicy.conclude(result);
        Verdict verdict = ActionPolicy.verdict(List.of(result), List.of(), Map.of(), null, null);

        // The response does what the conclusion says.
        assertThat(verdict.allowed()).isEqualTo(!conclusion.denies());
        assertThat(verdict.warnings()).hasSize(conclusion.warns() ? 1 : 0);
        assertThat(verdict.auditAnnotations().containsKey("p")).isEqualTo(conclusion.annotates());
        // Audit mode never denies.
        if (mode == Engine.Mode.AUDIT) {
            assertThat(conclusion.denies()).isFalse();
        }
        // The CLI's label names what the response did.
        String expectedLabel = switch (outcome) {
            case PASS, MUTATED -> null;
            case OPTED_OUT -> "Skip";
            case ERROR_IGNORED -> "Error";
            default -> conclusion.denies() ? "Deny" : conclusion.warns() ? "Warn" : "Audit";
        };
        assertThat(conclusion.label()).isEqualTo(expectedLabel);
        // A PolicyReport passes exactly what is no finding; a refusal there is a fail or an error.
        assertThat(conclusion.report().equals("pass")).isEqualTo(conclusion.label() == null);
        if (conclusion.denies()) {
            assertThat(conclusion.report()).isIn("fail", "error");
        }
        // Errors are counted as errors, everywhere.
        boolean error = outcome == Outcome.ERROR || outcome == Outcome.ERROR_IGNORED;
        assertThat(conclusion.report().equals("error")).isEqualTo(error);
        assertThat(conclusion.metric().startsWith("error")).isEqualTo(error);
        // The action the metrics and the log name is what the response did, lower-case as every label value.
        String expectedAction = verdict.allowed() ? verdict.warnings().isEmpty() ? verdict.auditAnnotations().isEmpty() ? "none"
                : "audit" : "warn" : "deny";
        assertThat(conclusion.action()).isEqualTo(expectedAction);
        // The metric's outcome tag is the outcome's name.
        assertThat(conclusion.metric()).isEqualTo(outcome.name().toLowerCase(java.util.Locale.ROOT));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("policyReportResults")
    void policyReportResultsFollowTheActions(Outcome outcome, Set<Action> actions, String report) {
        assertThat(ActionPolicy.conclude(new PolicyResult("p", outcome, actions, "m", null, null)).report()).isEqualTo(report);
    }

    static Stream<Arguments> policyReportResults() {
        return Stream.of(
                Arguments.of(Outcome.VIOLATION, EnumSet.of(Action.Deny), "fail"),
                Arguments.of(Outcome.VIOLATION, EnumSet.of(Action.Audit), "fail"),
                Arguments.of(Outcome.VIOLATION, EnumSet.of(Action.Warn, Action.Audit), "fail"),
                Arguments.of(Outcome.VIOLATION, EnumSet.of(Action.Warn), "warn"),
                Arguments.of(Outcome.ERROR, EnumSet.of(Action.Deny), "error"),
                Arguments.of(Outcome.UNCHECKED, EnumSet.of(Action.Deny), "skip"),
                Arguments.of(Outcome.OPTED_OUT, EnumSet.of(Action.Deny), "skip"),
                Arguments.of(Outcome.PASS, EnumSet.of(Action.Deny), "pass"),
                Arguments.of(Outcome.MUTATED, EnumSet.of(Action.Deny), "pass"));
    }
}
