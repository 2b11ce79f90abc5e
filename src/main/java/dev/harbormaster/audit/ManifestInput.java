package dev.harbormaster.audit;

import dev.harbormaster.cel.CelJson;
import dev.harbormaster.engine.AdmissionInput;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Builds the request kube-apiserver would send for a manifest, for evaluation outside the webhook
 * (policy tests, the audit CLI, background audit).
 */
public final class ManifestInput {

    /** Built-in kinds without a namespace; any other kind is taken as namespaced. */
    private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "Node", "PersistentVolume",
            "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass", "PriorityClass",
            "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "ValidatingAdmissionPolicy",
            "ValidatingAdmissionPolicyBinding", "IngressClass", "RuntimeClass", "CSIDriver", "APIService");

    private ManifestInput() {
    }

    /** Whether the kind is one of the built-in kinds without a namespace (any other kind is taken as namespaced). */
    public static boolean isClusterScoped(String kind) {
        return CLUSTER_SCOPED.contains(kind);
    }

    /**
     * @param operation CREATE, UPDATE or DELETE; the object decides kind and name (oldObject for DELETE)
     * @param namespace where the object goes when it names none itself
     */
    public static AdmissionInput of(String operation, Map<String, Object> object, Map<String, Object> oldObject,
                                    String namespace, Map<String, Object> userInfo, boolean dryRun) {
        Map<String, Object> subject = object != null ? object : oldObject;
        if (subject == null) {
            throw new IllegalArgumentException("an object (or, for DELETE, an oldObject) is needed");
        }
        String apiVersion = CelJson.string(subject, "apiVersion");
        String kind = CelJson.string(subject, "kind");
        if (apiVersion == null || kind == null) {
            throw new IllegalArgumentException("the object needs apiVersion and kind");
        }
        int slash = apiVersion.indexOf('/');
        String group = slash < 0 ? "" : apiVersion.substring(0, slash);
        String version = apiVersion.substring(slash + 1);
        Map<String, Object> metadata = CelJson.map(subject, "metadata");
        String name = CelJson.string(metadata, "name");
        String ownNamespace = CelJson.string(metadata, "namespace");
        String resource = resourceOf(kind);
        boolean clusterScoped = CLUSTER_SCOPED.contains(kind);
        String ns = clusterScoped ? (kind.equals("Namespace") ? nullToEmpty(name) : "")
                : ownNamespace != null ? ownNamespace : nullToEmpty(namespace);
        String uid = UUID.randomUUID().toString();

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("uid", uid);
        request.put("kind", Map.of("group", group, "version", version, "kind", kind));
        request.put("resource", Map.of("group", group, "version", version, "resource", resource));
        request.put("requestKind", request.get("kind"));
        request.put("requestResource", request.get("resource"));
        request.put("name", nullToEmpty(name));
        request.put("namespace", ns);
        request.put("operation", operation);
        request.put("userInfo", userInfo == null ? Map.of("username", "harbormaster-offline") : userInfo);
        request.put("dryRun", dryRun);
        return new AdmissionInput(uid, operation, new AdmissionInput.Kind(group, version, kind),
                new AdmissionInput.Resource(group, version, resource), "", ns, nullToEmpty(name),
                object, oldObject, request, dryRun);
    }

    /** An object the cluster already holds, as an UPDATE of itself: what the background audit evaluates. */
    public static AdmissionInput existing(Map<String, Object> object, String namespace, Map<String, Object> userInfo) {
        return of("UPDATE", object, object, namespace, userInfo, true);
    }

    /**
     * The same request made on another resource or a subresource of it, as kube-apiserver sends
     * {@code kubectl scale} (a Scale object on {@code deployments/scale}).
     *
     * @param resource the resource, or null to keep the one the object's kind gave
     */
    public static AdmissionInput onResource(AdmissionInput input, AdmissionInput.Resource resource, String subResource) {
        AdmissionInput.Resource actual = resource == null ? input.resource() : resource;
        Map<String, Object> request = new LinkedHashMap<>(input.request());
        Map<String, Object> resourceMap = Map.of("group", actual.group(), "version", actual.version(), "resource", actual.resource());
        request.put("resource", resourceMap);
        request.put("requestResource", resourceMap);
        if (!subResource.isEmpty()) {
            request.put("subResource", subResource);
            request.put("requestSubResource", subResource);
        }
        return new AdmissionInput(input.uid(), input.operation(), input.kind(), actual, subResource, input.namespace(), input.name(),
                input.object(), input.oldObject(), request, input.dryRun());
    }

    /** The resource name for a kind, guessed as Kubernetes' own RESTMapper guesses it (UnsafeGuessKindToResource). */
    static String resourceOf(String kind) {
        String lower = kind.toLowerCase(Locale.ROOT);
        if (lower.endsWith("s")) {
            return lower + "es";
        }
        if (lower.endsWith("y")) {
            return lower.substring(0, lower.length() - 1) + "ies";
        }
        return lower + "s";
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
