package dev.harbormaster.engine;

import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.ParamLookup;
import dev.harbormaster.policy.PolicySpec.Action;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The one place that decides which params a ValidatingAdmissionPolicy's or MutatingAdmissionPolicy's
 * binding evaluates with on a request, as kube-apiserver does: the paramRef's objects in the
 * cluster (its informer cache) when the cluster can be asked, else the ones given in the files read;
 * each object found is one evaluation; none found denies under {@code parameterNotFoundAction: Deny}
 * and lets the request pass under Allow. When neither the cluster nor the files can say, the policy
 * could not check, as every rule that needs the cluster.
 */
final class ParamsResolution {

    /** kube-apiserver's message when a binding finds no params and says Deny. */
    static final String NOT_FOUND = "no params found for policy binding with `Deny` parameterNotFoundAction";

    private ParamsResolution() {
    }

    /** The policies to evaluate for this one on the request (itself when its params are its own); what stands in for none is recorded. */
    static List<CompiledPolicy> resolve(CompiledPolicy policy, Set<Action> actions, Evaluation evaluation) {
        ParamLookup lookup = policy.paramLookup();
        if (lookup == null) {
            return List.of(policy);
        }
        Optional<List<Map<String, Object>>> inCluster = evaluation.cluster.objects(lookup.apiVersion(), lookup.kind());
        List<Map<String, Object>> candidates;
        if (inCluster.isPresent()) {
            candidates = inCluster.get();
        } else if (!lookup.fromFiles().isEmpty()) {
            candidates = lookup.fromFiles();
        } else {
            String why = evaluation.cluster.unavailable().orElse("it has no synced cache of " + lookup.apiVersion() + " " + lookup.kind() + " yet");
            evaluation.results.add(new PolicyResult(policy.name(), Outcome.UNCHECKED, actions, "could not check: its params ("
                    + lookup.where() + ") are not among the files read, and the cluster cannot be asked: " + why, null, null));
            return List.of();
        }
        List<Map<String, Object>> found = lookup.forRequest(candidates, evaluation.input.namespace());
        if (found.isEmpty()) {
            if (lookup.denyWhenNotFound()) {
                evaluation.results.add(new PolicyResult(policy.name(), Outcome.VIOLATION, actions, NOT_FOUND, "Invalid", null));
            }
            return List.of();
        }
        List<CompiledPolicy> each = new ArrayList<>();
        for (Map<String, Object> params : found) {
            CompiledPolicy withParams = policy.withParams(params);
            each.add(found.size() == 1 ? withParams : withParams.named(policy.name() + "[" + ParamLookup.suffix(params) + "]"));
        }
        return each;
    }
}
