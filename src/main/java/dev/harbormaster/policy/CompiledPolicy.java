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
 * {@code reinvocationPolicy} is a mutating policy's (Never for a validating one); {@code description}
 * is its {@link #DESCRIPTION_ANNOTATION} annotation, or null. {@code paramLookup}: the binding's
 * paramRef of a ValidatingAdmissionPolicy or MutatingAdmissionPolicy, whose params are looked up at
 * each request (then {@code params} is not used); null when the params are the policy's own.
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
        List<Mutation> mutations,
        Object params,
        OptOut optOut,
        boolean ratchetOnUpdate,
        MutatingPolicySpec.ReinvocationPolicy reinvocationPolicy,
        String description,
        ParamLookup paramLookup) {

    /** The annotation that describes a policy for people: the CLI's SARIF rules show it. */
    public static final String DESCRIPTION_ANNOTATION = "harbormaster.dev/description";

    public enum Kind { VALIDATING, MUTATING }

    /**
     * Whether the opt-out annotation is honoured (ALLOWED), refused with a notice (REFUSED), or not
     * looked at: Kubernetes' own policies (read from VAP/MAP files) know no opt-out, as in the cluster.
     */
    public enum OptOut { ALLOWED, REFUSED, NOT_APPLICABLE }

    public boolean allowOptOut() {
        return optOut == OptOut.ALLOWED;
    }

    /** The same policy reading other params: for policy tests that try a policy's settings, and for each params object a paramRef finds. */
    public CompiledPolicy withParams(Object otherParams) {
        return new CompiledPolicy(name, kind, source, actions, failurePolicy, match, matchConditions, variables, validations,
                auditAnnotations, mutations, otherParams, optOut, ratchetOnUpdate, reinvocationPolicy, description, null);
    }

    /** The same policy under another name (one evaluation per params object: {@code policy[namespace/name]}). */
    public CompiledPolicy named(String otherName) {
        return new CompiledPolicy(otherName, kind, source, actions, failurePolicy, match, matchConditions, variables, validations,
                auditAnnotations, mutations, params, optOut, ratchetOnUpdate, reinvocationPolicy, description, paramLookup);
    }

    CompiledPolicy withLookup(ParamLookup lookup) {
        return new CompiledPolicy(name, kind, source, actions, failurePolicy, match, matchConditions, variables, validations,
                auditAnnotations, mutations, params, optOut, ratchetOnUpdate, reinvocationPolicy, description, lookup);
    }

    /** The annotation (on the object, its pod template or its namespace) that opts out of a policy, with the reason as value. */
    public String optOutAnnotation() {
        return "opt-out.harbormaster.dev/" + name;
    }

    /** An expression with the name it goes by: a match condition, a variable, an audit annotation key. */
    public record Named(String name, CelExpression expression) {
    }

    /** How a mutation's value changes the object: JSONPatch operations, or an apply configuration merged in. */
    public enum PatchType { JSONPatch, ApplyConfiguration }

    /** One mutation: named after its field ({@code spec.mutations[0]}), with the expression that gives the change. */
    public record Mutation(String name, CelExpression expression, PatchType patchType) {
    }

    /** One validation: the rule, and how to tell the developer what is wrong ({@code name} may be null). */
    public record Check(int index, String name, CelExpression expression, String message, CelExpression messageExpression,
                        String reason, String fieldPath) {
    }
}
