package dev.harbormaster.policy;

import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.policy.PolicySpec.Action;
import dev.harbormaster.policy.PolicySpec.FailurePolicy;
import java.util.List;
import java.util.Set;

/**
 * A ValidatingPolicy or MutatingPolicy ready to evaluate: every expression compiled once, for the
 * life of a snapshot. A validating policy has validations and audit annotations, a mutating one has
 * mutations; matching, conditions, variables and params work the same for both.
 */
public record CompiledPolicy(
        String name,
        Kind kind,
        String source,
        Set<Action> actions,
        FailurePolicy failurePolicy,
        MatchCriteria match,
        List<Named> matchConditions,
        List<Named> variables,
        List<Check> validations,
        List<Named> auditAnnotations,
        List<Named> mutations,
        Object params) {

    public enum Kind { VALIDATING, MUTATING }

    /** An expression with the name it goes by: a match condition, a variable, an audit annotation key. */
    public record Named(String name, CelExpression expression) {
    }

    /** One validation: the rule, and how to tell the developer what is wrong. */
    public record Check(int index, CelExpression expression, String message, CelExpression messageExpression,
                        String reason, String fieldPath) {
    }
}
