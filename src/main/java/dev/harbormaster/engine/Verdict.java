package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.List;
import java.util.Map;

/**
 * The engine's answer: allowed or not, why, and what to tell whom.
 *
 * @param results          one per matched policy and failed validation, in policy order
 * @param denial           the status to reject with, or null when allowed
 * @param warnings         what kubectl shows the user
 * @param auditAnnotations what goes into the API server's audit log
 * @param patch            for mutation: the JSONPatch that turns the object sent into the mutated one, or null
 * @param mutatedObject    for mutation: the object after the patch, or null when nothing changed
 */
public record Verdict(boolean allowed, List<PolicyResult> results, Denial denial, List<String> warnings,
                      Map<String, String> auditAnnotations, ArrayNode patch, Map<String, Object> mutatedObject) {

    /** An HTTP status as Kubernetes returns it: code, reason, and the message the developer reads. */
    public record Denial(int code, String reason, String message) {
    }

    /** True when nothing happened worth telling: allowed, unchanged, no warning, no audit record. */
    public boolean isPlainAllow() {
        return allowed && patch == null && warnings.isEmpty() && auditAnnotations.isEmpty();
    }
}
