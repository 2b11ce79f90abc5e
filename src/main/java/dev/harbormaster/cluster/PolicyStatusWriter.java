package dev.harbormaster.cluster;

import dev.harbormaster.policy.ClusterPolicies;
import dev.harbormaster.policy.CompiledException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Writes each policy resource's {@code status}: a {@code Ready} condition (why not, in the words
 * {@code harbormaster test} uses) and {@code observedGeneration}. Only the leading replica writes,
 * only what the store has loaded, and only when it changed.
 */
@ApplicationScoped
public class PolicyStatusWriter {

    private static final Logger LOG = Logger.getLogger(PolicyStatusWriter.class);

    private final ClusterPolicies resources;
    private final PolicyStore store;
    private final Leadership leadership;
    private final Instance<KubernetesClient> clients;

    @Inject
    public PolicyStatusWriter(ClusterPolicies resources, PolicyStore store, Leadership leadership, Instance<KubernetesClient> clients) {
        this.resources = resources;
        this.store = store;
        this.leadership = leadership;
        this.clients = clients;
    }

    @Scheduled(every = "${harbormaster.policies.reload-interval:2s}", delayed = "${harbormaster.policies.reload-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (resources instanceof PolicyResourceInformers informers && leadership.leads() && store.inForce().isPresent()) {
            try {
                writeChanged(informers);
            } catch (RuntimeException e) {
                LOG.warnf("cannot write policy resource statuses, will retry: %s", e.getMessage());
            }
        }
    }

    /** The condition a resource should show. */
    record Ready(boolean ready, String reason, String message) {
    }

    /** @return how many statuses were written */
    int writeChanged(PolicyResourceInformers informers) {
        KubernetesClient client = clients.get();
        PolicySet set = store.current();
        int written = 0;
        for (GenericKubernetesResource resource : informers.objects()) {
            Optional<Ready> ready = ready(resource, set);
            if (ready.isEmpty()) {
                continue;
            }
            Map<String, Object> status = status(resource, ready.get());
            if (same(resource.getAdditionalProperties().get("status"), status)) {
                continue;
            }
            GenericKubernetesResource updated = new GenericKubernetesResource();
            updated.setApiVersion(resource.getApiVersion());
            updated.setKind(resource.getKind());
            updated.setMetadata(resource.getMetadata());
            updated.setAdditionalProperties(new LinkedHashMap<>(resource.getAdditionalProperties()));
            updated.setAdditionalProperty("status", status);
            var api = client.genericKubernetesResources(PolicyResourceInformers.contextOf(resource));
            try {
                (resource.getMetadata().getNamespace() == null ? api.resource(updated)
                        : api.inNamespace(resource.getMetadata().getNamespace()).resource(updated)).updateStatus();
                written++;
            } catch (KubernetesClientException e) {
                // A conflict means a newer version is on its way through the informer; the next tick writes for it.
                LOG.debugf("status of %s not written: %s", PolicyResourceInformers.key(resource), e.getMessage());
            }
        }
        return written;
    }

    /** Ready or not, and why; empty while the store has not loaded this version of the resource. */
    Optional<Ready> ready(GenericKubernetesResource resource, PolicySet set) {
        String key = PolicyResourceInformers.key(resource);
        return store.resourceState(key, PolicyResourceInformers.content(resource)).map(state -> {
            if (!state.errors().isEmpty()) {
                return new Ready(false, "Invalid", String.join("; ", state.errors())
                        + (state.keptEarlier() ? " (the version loaded before stays in force)" : ""));
            }
            if (PolicyLoader.POLICY_EXCEPTION.equals(resource.getKind())) {
                String id = resource.getMetadata().getNamespace() + "/" + resource.getMetadata().getName();
                Optional<CompiledException> exception = set.exceptions().stream().filter(e -> e.id().equals(id)).findFirst();
                if (exception.isPresent() && exception.get().expired(Instant.now())) {
                    return new Ready(false, "Expired", exception.get().expiry().replace(": the policy applies again", ": it no longer applies"));
                }
                return new Ready(true, "InForce", exception.map(CompiledException::exemption).orElse("in force"));
            }
            return new Ready(true, "InForce", "in force");
        });
    }

    /** The status for the condition; the transition time kept while the condition's status stays. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> status(GenericKubernetesResource resource, Ready ready) {
        Long generation = resource.getMetadata().getGeneration();
        String conditionStatus = ready.ready() ? "True" : "False";
        String since = Instant.now().toString().replaceAll("\\.\\d+Z$", "Z");
        Object existing = resource.getAdditionalProperties().get("status");
        if (existing instanceof Map<?, ?> before && before.get("conditions") instanceof List<?> conditions) {
            for (Object condition : conditions) {
                if (condition instanceof Map<?, ?> c && "Ready".equals(c.get("type")) && conditionStatus.equals(c.get("status"))
                        && c.get("lastTransitionTime") instanceof String kept) {
                    since = kept;
                }
            }
        }
        Map<String, Object> condition = new LinkedHashMap<>();
        condition.put("type", "Ready");
        condition.put("status", conditionStatus);
        condition.put("reason", ready.reason());
        condition.put("message", ready.message());
        condition.put("lastTransitionTime", since);
        Map<String, Object> status = new LinkedHashMap<>();
        if (generation != null) {
            condition.put("observedGeneration", generation);
            status.put("observedGeneration", generation);
        }
        status.put("conditions", List.of(condition));
        return status;
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Equal as JSON (numbers by value: the API server's 1 is read back as an int, written as a long). */
    static boolean same(Object written, Object wanted) {
        if (written == null) {
            return false;
        }
        return JSON.valueToTree(written).equals((a, b) -> a.isNumber() && b.isNumber()
                ? a.decimalValue().compareTo(b.decimalValue()) : a.equals(b) ? 0 : 1, JSON.valueToTree(wanted));
    }
}
