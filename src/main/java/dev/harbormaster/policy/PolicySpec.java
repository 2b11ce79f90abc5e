package dev.harbormaster.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The spec of a ValidatingPolicy, in the shape of ValidatingAdmissionPolicy (plus its binding's
 * {@code validationActions}) so that a platform team reads it without a manual. Own records rather
 * than fabric8's model classes: these are read strictly, so a misspelt field is an error with its
 * path instead of a silently ignored property.
 *
 * <p>Two fields are Harbormaster's own: {@code allowOptOut} lets a workload or namespace opt out
 * with an annotation {@code opt-out.harbormaster.dev/<policy>: <reason>}, and {@code ratchetOnUpdate}
 * keeps an UPDATE from being denied when the old object broke the validation in the same way (same
 * message; it warns instead), so a rule switched on later does not block scaling a workload that
 * predates it, while an update that adds a new offence is still denied.
 */
public record PolicySpec(
        List<Action> validationActions,
        FailurePolicy failurePolicy,
        MatchResources matchConstraints,
        List<NamedExpression> matchConditions,
        List<NamedExpression> variables,
        List<Validation> validations,
        List<AuditAnnotation> auditAnnotations,
        JsonNode params,
        Boolean allowOptOut,
        Boolean ratchetOnUpdate) {

    public enum Action { Deny, Warn, Audit }

    public enum FailurePolicy { Fail, Ignore }

    public record MatchResources(
            JsonNode namespaceSelector,
            JsonNode objectSelector,
            List<ResourceRule> resourceRules,
            List<ResourceRule> excludeResourceRules,
            String matchPolicy) {
    }

    public record ResourceRule(
            List<String> apiGroups,
            List<String> apiVersions,
            List<String> operations,
            List<String> resources,
            List<String> resourceNames,
            String scope) {
    }

    public record NamedExpression(String name, String expression) {
    }

    /** {@code name} is Harbormaster's own (optional, unique in the policy): what a PolicyException names the validation by. */
    public record Validation(String name, String expression, String message, String messageExpression, String reason, String fieldPath) {
    }

    public record AuditAnnotation(String key, String valueExpression) {
    }
}
