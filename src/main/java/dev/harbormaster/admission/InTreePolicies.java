package dev.harbormaster.admission;

import dev.harbormaster.config.HarbormasterConfig;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicySet;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * The one place that says which policies the webhook leaves to kube-apiserver: those installed
 * in-tree as ValidatingAdmissionPolicy / MutatingAdmissionPolicy
 * ({@code harbormaster.admission.in-tree-policies}, which the chart sets with
 * {@code policies.webhookSkipsInTree}). A request that still reaches the webhook for another policy (a
 * Deployment, for require-pdb) is then not judged twice. Only the webhook's doors skip them:
 * background audit and the CLI evaluate every policy, so reports stay whole.
 */
@Singleton
public class InTreePolicies {

    private static final Logger LOG = Logger.getLogger(InTreePolicies.class);

    private final Set<String> names;
    /** The webhook's set for the last snapshot: made once per load, so that its per-kind memo is kept. */
    private volatile Snapshot last;

    private record Snapshot(PolicySet loaded, PolicySet forWebhook) {
    }

    @Inject
    InTreePolicies(HarbormasterConfig config) {
        this(config.admission().inTreePolicies().orElse(Set.of()));
    }

    InTreePolicies(Set<String> names) {
        this.names = Set.copyOf(names);
    }

    /** The policies the webhook evaluates: all loaded ones but those kube-apiserver runs. */
    public PolicySet forWebhook(PolicySet loaded) {
        if (names.isEmpty()) {
            return loaded;
        }
        Snapshot snapshot = last;
        if (snapshot != null && snapshot.loaded() == loaded) {
            return snapshot.forWebhook();
        }
        List<CompiledPolicy> validating = loaded.validating().stream().filter(p -> !names.contains(p.name())).toList();
        List<CompiledPolicy> mutating = loaded.mutating().stream().filter(p -> !names.contains(p.name())).toList();
        names.stream().filter(name -> loaded.validating().stream().noneMatch(p -> p.name().equals(name))
                        && loaded.mutating().stream().noneMatch(p -> p.name().equals(name)))
                .sorted().forEach(name -> LOG.warnf("in-tree policy %s (harbormaster.admission.in-tree-policies) is not among the loaded ones", name));
        PolicySet forWebhook = loaded.with(validating, mutating);
        last = new Snapshot(loaded, forWebhook);
        return forWebhook;
    }
}
