package dev.harbormaster.cel;

import java.time.Duration;

/**
 * How much one admission request may cost, as Kubernetes bounds ValidatingAdmissionPolicy
 * (a per-expression limit of 1e6 and a per-evaluation budget of 1e7, in its cost units).
 *
 * @param expressionCost cost one expression may take: every node evaluated costs 1, and a string,
 *                       list or map it produces costs its size as well (see {@link Budget})
 * @param requestCost    cost all expressions of all policies may take together for one request
 *                       (match conditions, variables, validations, messages, audit annotations, mutations)
 * @param deadline       wall-clock time one request's evaluation may take; comfortably below the
 *                       webhook's timeoutSeconds (5 s in the chart), so that a slow policy fails
 *                       per its failurePolicy instead of kube-apiserver timing out
 */
public record EvaluationLimits(long expressionCost, long requestCost, Duration deadline) {

    public static final EvaluationLimits DEFAULT = new EvaluationLimits(1_000_000, 10_000_000, Duration.ofSeconds(2));

    public EvaluationLimits {
        if (expressionCost <= 0 || requestCost <= 0 || deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("evaluation limits must be positive: " + expressionCost + ", " + requestCost + ", " + deadline);
        }
    }

    /** The default request budget and deadline with another per-expression limit (the CLI's --cost-limit). */
    public static EvaluationLimits withExpressionCost(long expressionCost) {
        return new EvaluationLimits(expressionCost, Math.max(expressionCost, DEFAULT.requestCost()), DEFAULT.deadline());
    }
}
