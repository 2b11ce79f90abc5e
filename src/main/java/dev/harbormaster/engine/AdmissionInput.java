package dev.harbormaster.engine;

import java.util.Map;

/**
 * What the engine evaluates, whichever door it came through: the attributes of an admission
 * request and the objects it carries, already in the form CEL reads ({@code object} is null for a
 * DELETE, {@code oldObject} for a CREATE).
 *
 * @param request the whole request as CEL's {@code request} variable sees it
 */
public record AdmissionInput(
        String uid,
        String operation,
        Kind kind,
        Resource resource,
        String subResource,
        String namespace,
        String name,
        Map<String, Object> object,
        Map<String, Object> oldObject,
        Map<String, Object> request,
        boolean dryRun) {

    public record Kind(String group, String version, String kind) {
    }

    public record Resource(String group, String version, String resource) {
    }

    /** The same request carrying another object: what the next mutating policy sees. */
    public AdmissionInput withObject(Map<String, Object> changed) {
        return new AdmissionInput(uid, operation, kind, resource, subResource, namespace, name, changed, oldObject, request, dryRun);
    }

    /** Namespaced unless cluster-scoped: no namespace, or a Namespace itself (whose request names it). */
    public boolean namespaced() {
        return !namespace.isEmpty() && !isNamespace();
    }

    /** The request is about a Namespace (or one of its subresources): the one definition every part uses. */
    public boolean isNamespace() {
        return resource.group().isEmpty() && resource.resource().equals("namespaces");
    }

    @Override
    public String toString() {
        String where = namespace.isEmpty() ? "" : namespace + "/";
        return operation + " " + kind.kind() + " " + where + name;
    }
}
