package dev.harbormaster.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harbormaster.policy.PolicySpec.FailurePolicy;
import dev.harbormaster.policy.PolicySpec.MatchResources;
import dev.harbormaster.policy.PolicySpec.NamedExpression;
import java.util.List;

/**
 * The spec of a MutatingPolicy, in the shape of MutatingAdmissionPolicy. A JSONPatch mutation is
 * a CEL expression that returns the patch operations, as maps
 * ({@code {'op': 'add', 'path': '/spec/x', 'value': 1}}); an ApplyConfiguration mutation returns an
 * {@code Object{…}} that is merged into the object as server-side apply merges (see
 * engine/ApplyConfigurationMerge).
 */
public record MutatingPolicySpec(
        FailurePolicy failurePolicy,
        ReinvocationPolicy reinvocationPolicy,
        MatchResources matchConstraints,
        List<NamedExpression> matchConditions,
        List<NamedExpression> variables,
        List<Mutation> mutations,
        JsonNode params,
        Boolean allowOptOut) {

    public enum ReinvocationPolicy { Never, IfNeeded }

    public record Mutation(String patchType, JsonPatch jsonPatch, JsonPatch applyConfiguration) {
    }

    /** The expression of a mutation (both patch types have only this field). */
    public record JsonPatch(String expression) {
    }
}
