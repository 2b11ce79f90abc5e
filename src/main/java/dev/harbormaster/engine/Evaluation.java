package dev.harbormaster.engine;

import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelResult;
import dev.harbormaster.cel.Workloads;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.policy.CompiledException;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySet;
import java.time.Instant;
import dev.harbormaster.policy.PolicySpec.Action;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One request's evaluation under way: what every policy sees (the request, its namespace, the
 * cluster), the one budget they all spend, and the results gathered so far. Validating and
 * mutating policies share its prelude: opt-out, then match conditions.
 */
final class Evaluation {

    final AdmissionInput input;
    final Map<String, Object> namespaceObject;
    final ClusterView cluster;
    final Budget budget;
    /** Whether ratchetOnUpdate policies may excuse an UPDATE that breaks them as the old object did. */
    final boolean ratchet;
    final List<PolicyResult> results = new ArrayList<>();
    final List<String> notices = new ArrayList<>();
    final Map<String, String> auditAnnotations = new LinkedHashMap<>();

    private final PolicySet policies;
    /** One instant for the whole request: an exception expires for all of its policies at once. */
    private final Instant now = Instant.now();

    Evaluation(AdmissionInput input, PolicySet policies, ClusterView cluster, Budget budget, boolean ratchet) {
        this.input = input;
        this.policies = policies;
        this.namespaceObject = Matcher.namespaceObject(input, cluster);
        this.cluster = cluster;
        this.budget = budget;
        this.ratchet = ratchet;
    }

    Activation activation(CompiledPolicy policy, AdmissionInput on) {
        return new Activation(on, policy, namespaceObject, cluster, budget);
    }

    /** Records an expression's failure per the policy's failurePolicy; a cluster that could not answer is no error. */
    void failed(CompiledPolicy policy, Set<Action> actions, String where, CelResult.Failure failure) {
        results.add(failure.unchecked()
                ? new PolicyResult(policy.name(), Outcome.UNCHECKED, actions, "could not check: " + failure.message(), null, null)
                : ActionPolicy.failed(policy, actions, input, where, failure.message()));
    }

    /**
     * Whether the policy goes on to its validations or mutations: the object has not opted out and
     * every match condition holds. What stops it is recorded.
     */
    boolean applies(CompiledPolicy policy, Set<Action> actions, AdmissionInput on, Activation activation) {
        return !optedOut(policy, actions, on) && !exempted(policy, actions, on) && conditionsHold(policy, actions, activation);
    }

    /**
     * Whether a PolicyException in force exempts the object from the whole policy (recorded, with
     * its reason). An expired one that selects the object is recorded as expired, whatever it named.
     */
    private boolean exempted(CompiledPolicy policy, Set<Action> actions, AdmissionInput on) {
        boolean exempt = false;
        for (CompiledException exception : selecting(policy, on)) {
            if (exception.expired(now)) {
                results.add(new PolicyResult(policy.name(), Outcome.EXCEPTION_EXPIRED, actions, exception.expiry(), null, null));
            } else if (!exempt && exception.exemptsWhole(policy.name())) {
                results.add(new PolicyResult(policy.name(), Outcome.EXEMPTED, actions, exception.exemption(), null, null));
                exempt = true;
            }
        }
        return exempt;
    }

    /** The exception in force that exempts the object from this one validation of the policy. */
    Optional<CompiledException> exemption(CompiledPolicy policy, AdmissionInput on, int validation) {
        // A loop, not a stream: asked for every validation of every policy, which mostly name no exception.
        for (CompiledException exception : selecting(policy, on)) {
            if (!exception.expired(now) && exception.exempts(policy.name(), validation)) {
                return Optional.of(exception);
            }
        }
        return Optional.empty();
    }

    /** The exceptions naming the policy that select the object (on DELETE, by the old object's labels). */
    private List<CompiledException> selecting(CompiledPolicy policy, AdmissionInput on) {
        List<CompiledException> named = policies.exceptionsFor(policy.name());
        if (named.isEmpty()) {
            return named;
        }
        Map<String, Object> object = on.object() != null ? on.object() : on.oldObject();
        Map<String, Object> labels = CelJson.map(CelJson.map(object, "metadata"), "labels");
        Map<?, ?> shown = labels == null ? Map.of() : labels;
        return named.stream().filter(e -> e.selects(on.namespace(), on.kind().kind(), on.name(), shown)).toList();
    }

    private boolean conditionsHold(CompiledPolicy policy, Set<Action> actions, Activation activation) {
        for (CompiledPolicy.Named condition : policy.matchConditions()) {
            CelResult result = activation.eval(condition.expression());
            if (result instanceof CelResult.Failure failure) {
                failed(policy, actions, "matchConditions '" + condition.name() + "'", failure);
                return false;
            }
            if (!Boolean.TRUE.equals(((CelResult.Value) result).value())) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether the object (its metadata or pod template) or its namespace opts out of the policy with
     * {@code opt-out.harbormaster.dev/<policy>: <reason>}. An opt-out is recorded, never silent; one the
     * policy does not allow, or without a reason, is not honoured and says so.
     */
    private boolean optedOut(CompiledPolicy policy, Set<Action> actions, AdmissionInput on) {
        if (policy.optOut() == CompiledPolicy.OptOut.NOT_APPLICABLE) {
            return false;
        }
        String key = policy.optOutAnnotation();
        Optional<Workloads.Annotation> found = Workloads.findAnnotation(on.object(), namespaceObject, key);
        if (found.isEmpty()) {
            return false;
        }
        String where = switch (found.get().place()) {
            case OBJECT -> "the " + on.kind().kind() + "'s annotation";
            case POD_TEMPLATE -> "the pod template's annotation";
            case NAMESPACE -> "the namespace's annotation";
        };
        Object reason = found.get().value();
        if (!policy.allowOptOut()) {
            notices.add("[" + policy.name() + "] opt-out ignored: this policy does not allow opting out (" + where + " " + key + ")");
            return false;
        }
        if (!(reason instanceof String text) || text.isBlank()) {
            notices.add("[" + policy.name() + "] opt-out ignored: " + where + " " + key + " must give a reason as its value");
            return false;
        }
        results.add(new PolicyResult(policy.name(), Outcome.OPTED_OUT, actions,
                "opted out by " + where + " " + key + ": " + text.strip(), null, null));
        return true;
    }
}
