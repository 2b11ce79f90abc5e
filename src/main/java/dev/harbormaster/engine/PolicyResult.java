package dev.harbormaster.engine;

import dev.harbormaster.policy.PolicySpec.Action;
import java.util.Set;

/**
 * What one policy said about one request: a value, concluded by {@link ActionPolicy#conclude}.
 *
 * @param actions   the actions in force for this result (after server-wide audit mode and ratcheting)
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
        /** A validation was false. */
        VIOLATION,
        /** An expression failed or a bound was reached under failurePolicy Fail: acts as a violation, counted as an error. */
        ERROR,
        /** An expression failed under failurePolicy Ignore: the request goes on, the error is counted. */
        ERROR_IGNORED,
        /** The object or its namespace opted out of the policy by annotation, with a reason: recorded, not enforced. */
        OPTED_OUT,
        /** The policy needs the cluster and the ClusterView could not answer: it warns instead of deciding. */
        UNCHECKED,
        /** A PolicyException in force exempts the object from the policy (or this validation): recorded with its reason, not enforced. */
        EXEMPTED,
        /** A PolicyException would exempt the object but has expired: said beside the policy's own result, which counts again. */
        EXCEPTION_EXPIRED
    }
}
