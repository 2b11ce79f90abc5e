package dev.harbormaster.policy;

import dev.harbormaster.cel.CelJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A binding's paramRef, resolved at each request as kube-apiserver resolves it: the objects of the
 * policy's paramKind with the name (or the labels of the selector) in the paramRef's namespace, or,
 * without one, in the request's namespace for a namespaced kind. Where they are looked up, and what
 * happens when none is found, is decided in one place (engine/ParamsResolution).
 *
 * @param fromFiles the params objects of that kind and name/selector among the files read (any namespace): used when
 *                  the cluster cannot be asked
 * @param where     the paramRef in words, for messages ("ConfigMap 'limits' in namespace policy")
 */
public record ParamLookup(String apiVersion, String kind, String name, String namespace, Predicate<Map<?, ?>> selector,
                          boolean denyWhenNotFound, List<Map<String, Object>> fromFiles, String where) {

    /** Whether the object is of the kind and has the name or labels the paramRef asks for (its namespace aside). */
    public boolean names(Map<String, Object> object) {
        Map<String, Object> metadata = CelJson.map(object, "metadata");
        Map<String, Object> labels = CelJson.map(metadata, "labels");
        return apiVersion.equals(object.get("apiVersion")) && kind.equals(object.get("kind"))
                && (name == null || name.equals(CelJson.string(metadata, "name")))
                && selector.test(labels == null ? Map.of() : labels);
    }

    /**
     * The objects that are this request's params, in the order given: the paramRef's namespace, or
     * the request's for namespaced objects; cluster-scoped objects whatever the request.
     */
    public List<Map<String, Object>> forRequest(List<Map<String, Object>> objects, String requestNamespace) {
        List<Map<String, Object>> found = new ArrayList<>();
        for (Map<String, Object> object : objects) {
            String own = CelJson.string(CelJson.map(object, "metadata"), "namespace");
            boolean namespaced = own != null && !own.isEmpty();
            String wanted = namespace != null ? namespace : requestNamespace;
            if (names(object) && (!namespaced || own.equals(wanted))) {
                found.add(object);
            }
        }
        return found;
    }

    /** The name a params object's evaluation goes by when several are found: {@code policy[namespace/name]}. */
    public static String suffix(Map<String, Object> object) {
        Map<String, Object> metadata = CelJson.map(object, "metadata");
        String namespace = CelJson.string(metadata, "namespace");
        String name = CelJson.string(metadata, "name");
        return namespace == null || namespace.isEmpty() ? name : namespace + "/" + name;
    }
}
