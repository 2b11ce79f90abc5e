package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.config.HarbormasterConfig;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySpec.Action;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The one engine: every verdict, whichever door the request came through, is made here, in the
 * same order. {@link Matcher} picks the policies (request attributes and labels, before any CEL),
 * {@link Validator} and {@link Mutator} evaluate them into results within one {@link Budget} per
 * request, and {@link ActionPolicy} turns the results into the verdict. No failure of a policy
 * escapes: it becomes that policy's result, shaped by its failurePolicy.
 */
@Singleton
public class Engine {

    /** Server-wide: enforce as written, or turn every Deny into Warn + Audit for a first roll-out. */
    public enum Mode { ENFORCE, AUDIT }

    /** The annotation that tells {@code kubectl get -o yaml} readers which policies changed the object. */
    public static final String MUTATED_ANNOTATION = Mutator.MUTATED_ANNOTATION;

    /** What the message of an UPDATE excused by ratchetOnUpdate starts with. */
    public static final String RATCHETED_PREFIX = Validator.RATCHETED_PREFIX;

    /** A policy's message as the webhook gives it: stripped, each line break and the blanks around it one space. */
    public static String oneLine(String message) {
        return Validator.oneLine(message);
    }

    private final ActionPolicy actionPolicy;
    private final EvaluationLimits limits;

    public Engine(Mode mode) {
        this(mode, EvaluationLimits.DEFAULT);
    }

    public Engine(Mode mode, EvaluationLimits limits) {
        this.actionPolicy = new ActionPolicy(mode);
        this.limits = limits;
    }

    @Inject
    Engine(HarbormasterConfig config) {
        this(config.mode(), new EvaluationLimits(config.cel().costLimit(), config.cel().requestCostLimit(),
                config.cel().requestDeadline()));
    }

    public Mode mode() {
        return actionPolicy.mode();
    }

    /** Runs the validating policies: the verdict of {@code /validate}. */
    public Verdict evaluate(AdmissionInput input, PolicySet policies, ClusterView cluster) {
        return validate(input, policies, cluster, true);
    }

    /**
     * Whether {@link #evaluate} runs anything for the request: a validating policy whose resource
     * rules match it, or the check of Harbormaster's own resources. When nothing does, its verdict
     * is a plain allow that costs microseconds, which a door may ask for where the request arrived.
     */
    public boolean validates(AdmissionInput input, PolicySet policies) {
        return !Matcher.validatingCandidates(policies, input).isEmpty() || OwnResources.concerns(input);
    }

    /** Whether {@link #mutate} runs anything for the request: a mutating policy whose resource rules match its object. */
    public boolean mutates(AdmissionInput input, PolicySet policies) {
        return input.object() != null && !Matcher.mutating(policies, input).isEmpty();
    }

    /**
     * The request through both webhooks, as kube-apiserver calls them: mutations, then validations
     * of the mutated object, each half with its own budget as each webhook call has.
     */
    public Admission admit(AdmissionInput input, PolicySet policies, ClusterView cluster) {
        Verdict mutation = mutate(input, policies, cluster);
        AdmissionInput mutated = mutation.mutatedObject() == null ? input : input.withObject(mutation.mutatedObject());
        return new Admission(input, mutation, mutated, evaluate(mutated, policies, cluster));
    }

    /**
     * An object that already exists, audited as an UPDATE of itself without ratcheting: a rule that
     * denies on UPDATE reports the object that breaks it (ratcheting would excuse it, since the old
     * object breaks the rule the same way). The background audit's verdict.
     */
    public Verdict auditExisting(AdmissionInput existing, PolicySet policies, ClusterView cluster) {
        return validate(existing, policies, cluster, false);
    }

    private Verdict validate(AdmissionInput input, PolicySet policies, ClusterView cluster, boolean ratchet) {
        Evaluation evaluation = new Evaluation(input, policies, cluster, Budget.start(limits), ratchet);
        for (CompiledPolicy policy : Matcher.validating(policies, input, evaluation.namespaceObject)) {
            Set<Action> actions = actionPolicy.inForce(policy.actions());
            for (CompiledPolicy withParams : ParamsResolution.resolve(policy, actions, evaluation)) {
                Validator.validate(withParams, actions, evaluation);
            }
        }
        OwnResources.check(input, policies).ifPresent(evaluation.results::add);
        return ActionPolicy.verdict(evaluation.results, evaluation.notices, evaluation.auditAnnotations, null, null);
    }

    /** What one policy's evaluation of a request cost, in the budget's units: all of it, and its costliest expression. */
    public record Cost(long total, long peakExpression) {
    }

    /**
     * What each policy whose resource rules match the request costs on it, each measured alone with a
     * budget of its own, as kube-apiserver gives every policy binding's evaluation its own budget (and
     * every expression a limit): a mutating policy's mutations, a validating policy's validations of
     * the object as sent. A policy the request's rules do not reach costs nothing and is not listed.
     * Measured without limits, so that a cost over one is seen whole.
     */
    public Map<String, Cost> costs(AdmissionInput input, PolicySet policies, ClusterView cluster) {
        EvaluationLimits unbounded = new EvaluationLimits(Long.MAX_VALUE, Long.MAX_VALUE, java.time.Duration.ofMinutes(1));
        Map<String, Cost> costs = new java.util.TreeMap<>();
        for (CompiledPolicy policy : Matcher.mutating(policies, input)) {
            Budget budget = Budget.start(unbounded);
            Evaluation evaluation = new Evaluation(input, policies, cluster, budget, false);
            if (input.object() != null) {
                new Mutator(evaluation, EnumSet.of(Action.Deny)).run(ParamsResolution.resolve(policy, EnumSet.of(Action.Deny), evaluation));
            }
            costs.put(policy.name(), new Cost(budget.spent(), budget.peakExpression()));
        }
        for (CompiledPolicy policy : Matcher.validatingCandidates(policies, input)) {
            Budget budget = Budget.start(unbounded);
            Evaluation evaluation = new Evaluation(input, policies, cluster, budget, true);
            if (Matcher.selects(policy.match(), input, evaluation.namespaceObject)) {
                for (CompiledPolicy withParams : ParamsResolution.resolve(policy, policy.actions(), evaluation)) {
                    Validator.validate(withParams, policy.actions(), evaluation);
                }
            }
            costs.put(policy.name(), new Cost(budget.spent(), budget.peakExpression()));
        }
        return costs;
    }

    /**
     * Runs the mutating policies: the verdict of {@code /mutate}, with one JSONPatch from the object
     * sent to the final one. A mutation that fails denies under failurePolicy Fail.
     */
    public Verdict mutate(AdmissionInput input, PolicySet policies, ClusterView cluster) {
        Evaluation evaluation = new Evaluation(input, policies, cluster, Budget.start(limits), false);
        if (input.object() == null) {
            return ActionPolicy.verdict(evaluation.results, evaluation.notices, evaluation.auditAnnotations, null, null);
        }
        Set<Action> actions = actionPolicy.inForce(EnumSet.of(Action.Deny));
        Mutator mutator = new Mutator(evaluation, actions);
        List<CompiledPolicy> withParams = new ArrayList<>();
        Matcher.mutating(policies, input).forEach(policy -> withParams.addAll(ParamsResolution.resolve(policy, actions, evaluation)));
        ArrayNode patch = mutator.run(withParams);
        Map<String, Object> mutated = mutator.mutated();
        return ActionPolicy.verdict(evaluation.results, evaluation.notices, evaluation.auditAnnotations, patch, mutated);
    }
}
