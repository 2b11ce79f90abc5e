package dev.harbormaster.engine;

import dev.harbormaster.policy.PolicySpec.Action;
import java.util.Set;

/**
 * What one policy said about one request.
 *
 * @param actions   the actions in force for this result (after server-wide audit mode)
 * @param reason    the Kubernetes status reason a denial carries (Invalid, Forbidden, …)
 * @param fieldPath the field the validation names, when it names one
 */
public record PolicyResult(String policy, Outcome outcome, Set<Action> actions, String message, String reason,
                           String fieldPath) {

    public enum Outcome {
        /** Matched, and every validation held (or, for a mutation, nothing needed changing). */
        PASS,
        /** A mutating policy changed the object. */
        MUTATED,
        /** A validation was false, or an expression failed under failurePolicy Fail. */
        VIOLATION,
        /** An expression failed under failurePolicy Ignore: the request goes on, the error is counted. */
        ERROR_IGNORED,
        /** The object or its namespace opted out of the policy by annotation, with a reason: recorded, not enforced. */
        OPTED_OUT,
        /** The policy needs the cluster and the ClusterView could not answer: it warns instead of deciding. */
        UNCHECKED
    }
}
