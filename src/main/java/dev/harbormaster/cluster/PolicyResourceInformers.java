package dev.harbormaster.cluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.policy.ClusterPolicies;
import dev.harbormaster.policy.PolicyDocument;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * The policy resources of the cluster, watched by one informer per kind. Nothing waits for them:
 * the server starts on its files, and the resources join the set once listed. A kind whose CRD is
 * not installed is retried until it is.
 */
public final class PolicyResourceInformers implements ClusterPolicies, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PolicyResourceInformers.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final ResourceDefinitionContext VALIDATING = context(PolicyLoader.VALIDATING_POLICY, "validatingpolicies", false);
    public static final ResourceDefinitionContext MUTATING = context(PolicyLoader.MUTATING_POLICY, "mutatingpolicies", false);
    public static final ResourceDefinitionContext EXCEPTIONS = context(PolicyLoader.POLICY_EXCEPTION, "policyexceptions", true);

    private final Map<ResourceDefinitionContext, SharedIndexInformer<GenericKubernetesResource>> informers = new LinkedHashMap<>();
    private final AtomicLong version = new AtomicLong();

    private static ResourceDefinitionContext context(String kind, String plural, boolean namespaced) {
        return new ResourceDefinitionContext.Builder().withGroup("harbormaster.dev").withVersion("v1alpha1")
                .withKind(kind).withPlural(plural).withNamespaced(namespaced).build();
    }

    public PolicyResourceInformers(KubernetesClient client) {
        for (ResourceDefinitionContext context : List.of(VALIDATING, MUTATING, EXCEPTIONS)) {
            var resources = client.genericKubernetesResources(context);
            SharedIndexInformer<GenericKubernetesResource> informer = context.isNamespaceScoped()
                    ? resources.inAnyNamespace().runnableInformer(0) : resources.runnableInformer(0);
            informer.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(GenericKubernetesResource resource) {
                    version.incrementAndGet();
                }

                @Override
                public void onUpdate(GenericKubernetesResource before, GenericKubernetesResource after) {
                    // A status written (by this server) is no change to load.
                    if (!content(before).equals(content(after))) {
                        version.incrementAndGet();
                    }
                }

                @Override
                public void onDelete(GenericKubernetesResource resource, boolean finalStateUnknown) {
                    version.incrementAndGet();
                }
            });
            // Keep trying: the CRDs may be installed after the server (or never, when policies are files only).
            informer.exceptionHandler((started, error) -> {
                LOG.debugf("cannot watch %s yet: %s", context.getPlural(), error.getMessage());
                return true;
            });
            informer.start().whenComplete((ignored, error) -> {
                if (error != null) {
                    LOG.warnf("cannot watch %s (install the chart's CRDs to manage policies with kubectl): %s",
                            context.getPlural(), error.getMessage());
                } else {
                    LOG.infof("watching %s: %d in cache", context.getPlural(), informer.getStore().list().size());
                }
            });
            informers.put(context, informer);
        }
    }

    @Override
    public long version() {
        return version.get();
    }

    @Override
    public List<PolicySource> resources() {
        List<PolicySource> sources = new ArrayList<>();
        for (GenericKubernetesResource resource : objects()) {
            sources.add(PolicySource.ofResource(key(resource), content(resource)));
        }
        return sources;
    }

    /** Every resource in the caches, as the API server holds it (status included). */
    public List<GenericKubernetesResource> objects() {
        List<GenericKubernetesResource> objects = new ArrayList<>();
        informers.values().forEach(informer -> objects.addAll(informer.getStore().list()));
        return objects;
    }

    /** The kind's API, for writing a status. */
    static ResourceDefinitionContext contextOf(GenericKubernetesResource resource) {
        return switch (resource.getKind()) {
            case PolicyLoader.MUTATING_POLICY -> MUTATING;
            case PolicyLoader.POLICY_EXCEPTION -> EXCEPTIONS;
            default -> VALIDATING;
        };
    }

    /** {@code Kind/name}, or {@code PolicyException/namespace/name}: what the store names the resource by. */
    public static String key(GenericKubernetesResource resource) {
        String namespace = resource.getMetadata().getNamespace();
        return resource.getKind() + "/" + (namespace == null || namespace.isEmpty() ? "" : namespace + "/")
                + resource.getMetadata().getName();
    }

    /**
     * The resource as a policy document (JSON, which YAML reads): envelope, name, namespace, labels,
     * annotations and spec. What the API server adds (status, resourceVersion, ...) is left out, so
     * that the same spec is the same document.
     */
    public static String content(GenericKubernetesResource resource) {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", resource.getMetadata().getName());
        if (resource.getMetadata().getNamespace() != null) {
            metadata.put("namespace", resource.getMetadata().getNamespace());
        }
        if (resource.getMetadata().getLabels() != null) {
            metadata.put("labels", resource.getMetadata().getLabels());
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", resource.getApiVersion() == null ? PolicyDocument.API_VERSION : resource.getApiVersion());
        document.put("kind", resource.getKind());
        document.put("metadata", metadata);
        document.put("spec", resource.getAdditionalProperties().get("spec"));
        try {
            return JSON.writeValueAsString(document);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a resource read from JSON writes as JSON", e);
        }
    }

    @Override
    public void close() {
        informers.values().forEach(SharedIndexInformer::stop);
    }
}
