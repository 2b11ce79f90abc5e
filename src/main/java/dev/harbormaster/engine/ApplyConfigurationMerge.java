package dev.harbormaster.engine;

import dev.harbormaster.cel.CelJson;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Merges a MutatingAdmissionPolicy apply configuration into an object as kube-apiserver does
 * (k8s.io/apiserver/pkg/admission/plugin/policy/mutating/patch/smd.go): first the configuration is
 * refused if it sets any atomic list, map or struct ("may not mutate atomic arrays, maps or
 * structs", so that a partial value cannot silently drop the rest); then it is merged with
 * structured-merge-diff's rules: maps and structs merge field by field, scalars replace, a list
 * keyed by {@code x-kubernetes-list-map-keys} merges item by item (existing items keep their
 * place, new ones follow in the configuration's order), a set list adds the values it lacks.
 *
 * <p>Harbormaster has no OpenAPI schema of the built-in kinds, so the schema below is written out
 * by hand for the workload kinds (Pod, PodTemplate, ReplicationController, Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Job, CronJob) and every object's metadata. It is taken from Kubernetes'
 * published list markers as client-go's structured-merge-diff schema states them
 * (k8s.io/client-go/applyconfigurations/internal/internal.go: {@code elementRelationship:
 * associative} with {@code keys}, or {@code atomic}): the keyed lists and the atomic structs and
 * maps. What it does not name is treated as structured-merge-diff treats a value without schema:
 * a map merges, a list is atomic (so a configuration that sets one is refused).
 */
final class ApplyConfigurationMerge {

    /** How a value at a place in the object merges. */
    private sealed interface Shape permits Fields, Keyed, SetList, Atomic, Deduced {
    }

    /** A struct (or granular map): merged field by field; fields not named here are {@link Deduced}. */
    private record Fields(Map<String, Shape> fields) implements Shape {
        Shape field(String name) {
            return fields.getOrDefault(name, Deduced.INSTANCE);
        }
    }

    /** A list merged by the values of its key fields; {@code defaults} stand for absent key fields. */
    private record Keyed(List<String> keys, Map<String, Object> defaults, Shape item) implements Shape {
    }

    /** A list of unique scalars ({@code x-kubernetes-list-type: set}). */
    private record SetList() implements Shape {
    }

    /** Replaced whole: and so refused in a configuration. */
    private enum Atomic implements Shape { INSTANCE }

    /** No schema: maps merge, lists are atomic. */
    private enum Deduced implements Shape { INSTANCE }

    private static Fields fields(Object... nameShape) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameShape.length; i += 2) {
            fields.put((String) nameShape[i], (Shape) nameShape[i + 1]);
        }
        return new Fields(fields);
    }

    private static Keyed keyed(Shape item, String... keys) {
        return new Keyed(List.of(keys), Map.of(), item);
    }

    private static final Shape ATOMIC = Atomic.INSTANCE;
    private static final Shape DEDUCED = Deduced.INSTANCE;

    private static final Fields OBJECT_META = fields(
            "finalizers", new SetList(),
            "ownerReferences", keyed(ATOMIC, "uid"),
            "managedFields", ATOMIC);
    private static final Fields CONTAINER = fields(
            "ports", new Keyed(List.of("containerPort", "protocol"), Map.of("protocol", "TCP"), DEDUCED),
            "env", keyed(fields("valueFrom", fields(
                    "configMapKeyRef", ATOMIC, "secretKeyRef", ATOMIC, "fieldRef", ATOMIC, "resourceFieldRef", ATOMIC)), "name"),
            "volumeMounts", keyed(DEDUCED, "mountPath"),
            "volumeDevices", keyed(DEDUCED, "devicePath"),
            "resources", fields("claims", keyed(DEDUCED, "name")));
    private static final Fields POD_SPEC = fields(
            "containers", keyed(CONTAINER, "name"),
            "initContainers", keyed(CONTAINER, "name"),
            "ephemeralContainers", keyed(CONTAINER, "name"),
            "volumes", keyed(DEDUCED, "name"),
            "imagePullSecrets", keyed(ATOMIC, "name"),
            "hostAliases", keyed(DEDUCED, "ip"),
            "topologySpreadConstraints", keyed(fields("labelSelector", ATOMIC), "topologyKey", "whenUnsatisfiable"),
            "schedulingGates", keyed(DEDUCED, "name"),
            "resourceClaims", keyed(DEDUCED, "name"),
            "nodeSelector", ATOMIC,
            "affinity", fields("nodeAffinity", fields("requiredDuringSchedulingIgnoredDuringExecution", ATOMIC)));
    private static final Fields POD_TEMPLATE_SPEC = fields("metadata", OBJECT_META, "spec", POD_SPEC);
    private static final Fields JOB_SPEC = fields("selector", ATOMIC, "template", POD_TEMPLATE_SPEC);
    private static final Fields WORKLOAD = fields("metadata", OBJECT_META, "spec", fields("selector", ATOMIC, "template", POD_TEMPLATE_SPEC));

    /** The schema of each built-in kind known here, by {@code group/kind} (the core group is empty). */
    private static final Map<String, Fields> KINDS = Map.of(
            "/Pod", fields("metadata", OBJECT_META, "spec", POD_SPEC),
            "/PodTemplate", fields("metadata", OBJECT_META, "template", POD_TEMPLATE_SPEC),
            "/ReplicationController", WORKLOAD,
            "apps/Deployment", WORKLOAD,
            "apps/ReplicaSet", WORKLOAD,
            "apps/DaemonSet", WORKLOAD,
            "apps/StatefulSet", WORKLOAD,
            "batch/Job", fields("metadata", OBJECT_META, "spec", JOB_SPEC),
            "batch/CronJob", fields("metadata", OBJECT_META, "spec", fields("jobTemplate", fields("metadata", OBJECT_META, "spec", JOB_SPEC))));
    private static final Fields ANY_KIND = fields("metadata", OBJECT_META);

    /** Where a removed value is marked while merging (a null in the configuration). */
    private static final Object REMOVED = new Object();

    private ApplyConfigurationMerge() {
    }

    /**
     * The object with the configuration merged in, or why the configuration is refused (a message
     * as kube-apiserver words it). The configuration's apiVersion and kind are the object's, as
     * kube-apiserver sets them; its status is dropped.
     */
    static Result merge(Map<String, Object> object, Map<String, Object> configuration) {
        Fields schema = schemaOf(object);
        Map<String, Object> patch = new LinkedHashMap<>(configuration);
        patch.remove("apiVersion");
        patch.remove("kind");
        // kube-apiserver resets status on a request to the main resource, so a configuration's status changes nothing.
        patch.remove("status");
        List<String> problems = new ArrayList<>();
        findAtomics("", schema, patch, problems);
        if (!problems.isEmpty()) {
            return new Result(null, "invalid ApplyConfiguration: may not mutate atomic arrays, maps or structs: " + String.join(", ", problems));
        }
        List<String> keyProblems = new ArrayList<>();
        Object merged = merge(object, patch, schema, "", keyProblems);
        if (!keyProblems.isEmpty()) {
            return new Result(null, "failed to merge patch: " + keyProblems.get(0));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> result = (Map<String, Object>) merged;
        return new Result(result, null);
    }

    /** The merged object, or the reason there is none. */
    record Result(Map<String, Object> object, String problem) {
    }

    private static Fields schemaOf(Map<String, Object> object) {
        String apiVersion = String.valueOf(object.get("apiVersion"));
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        return KINDS.getOrDefault(group + "/" + object.get("kind"), ANY_KIND);
    }

    /** The paths (as structured-merge-diff prints them) where the configuration sets an atomic value. */
    private static void findAtomics(String path, Shape shape, Object value, List<String> atomics) {
        boolean composite = value instanceof Map<?, ?> || value instanceof List<?>;
        if (shape == ATOMIC && composite || shape == DEDUCED && value instanceof List<?>) {
            atomics.add(path);
        }
        if (value instanceof Map<?, ?> map && shape instanceof Fields fields) {
            map.forEach((key, field) -> findAtomics(path + "." + key, fields.field(String.valueOf(key)), field, atomics));
        } else if (value instanceof Map<?, ?> map && shape == DEDUCED) {
            map.forEach((key, field) -> findAtomics(path + "." + key, DEDUCED, field, atomics));
        } else if (value instanceof List<?> list && shape instanceof Keyed keyed) {
            for (int i = 0; i < list.size(); i++) {
                findAtomics(path + "[" + i + "]", keyed.item(), list.get(i), atomics);
            }
        }
    }

    private static Object merge(Object live, Object patch, Shape shape, String path, List<String> problems) {
        if (CelJson.isNull(patch)) {
            // structured-merge-diff keeps a non-empty map or keyed list that the configuration gives as null; a
            // null scalar or atomic value replaces it, which leaves the field unset once decoded.
            boolean keptMap = live instanceof Map<?, ?> map && !map.isEmpty() && (shape instanceof Fields || shape == DEDUCED);
            boolean keptList = live instanceof List<?> list && !list.isEmpty() && (shape instanceof Keyed || shape instanceof SetList);
            return keptMap || keptList ? live : REMOVED;
        }
        if (live == null) {
            return withoutNulls(patch);
        }
        if (live instanceof Map<?, ?> lhs && patch instanceof Map<?, ?> rhs && (shape instanceof Fields || shape == DEDUCED)) {
            Map<String, Object> out = new LinkedHashMap<>();
            lhs.forEach((key, value) -> {
                String name = String.valueOf(key);
                Object merged = rhs.containsKey(name) ? merge(value, rhs.get(name), field(shape, name), path + "." + name, problems) : value;
                if (merged != REMOVED) {
                    out.put(name, merged);
                }
            });
            rhs.forEach((key, value) -> {
                String name = String.valueOf(key);
                if (!lhs.containsKey(name) && !CelJson.isNull(value)) {
                    out.put(name, withoutNulls(value));
                }
            });
            return out;
        }
        if (live instanceof List<?> lhs && patch instanceof List<?> rhs && shape instanceof Keyed keyed) {
            return mergeKeyed(lhs, rhs, keyed, path, problems);
        }
        if (live instanceof List<?> lhs && patch instanceof List<?> rhs && shape instanceof SetList) {
            List<Object> out = new ArrayList<>(lhs);
            rhs.stream().filter(item -> !out.contains(item)).forEach(out::add);
            return out;
        }
        return withoutNulls(patch);
    }

    private static Shape field(Shape shape, String name) {
        return shape instanceof Fields fields ? fields.field(name) : DEDUCED;
    }

    private static List<Object> mergeKeyed(List<?> lhs, List<?> rhs, Keyed keyed, String path, List<String> problems) {
        Map<List<Object>, Object> byKey = new LinkedHashMap<>();
        for (Object item : rhs) {
            Optional<List<Object>> key = key(item, keyed, path, problems);
            if (key.isPresent() && byKey.put(key.get(), item) != null) {
                problems.add(path + ": duplicate entries for key " + describe(keyed, key.get()));
            }
        }
        List<Object> out = new ArrayList<>();
        List<List<Object>> seen = new ArrayList<>();
        for (Object item : lhs) {
            Optional<List<Object>> key = key(item, keyed, path, problems);
            if (key.isEmpty()) {
                out.add(item);
                continue;
            }
            seen.add(key.get());
            Object merged = byKey.containsKey(key.get()) ? merge(item, byKey.get(key.get()), keyed.item(), path, problems) : item;
            if (merged != REMOVED) {
                out.add(merged);
            }
        }
        byKey.forEach((key, item) -> {
            if (!seen.contains(key)) {
                out.add(withoutNulls(item));
            }
        });
        return out;
    }

    /** The values of an item's key fields (defaults for absent ones), or empty with the problem noted. */
    private static Optional<List<Object>> key(Object item, Keyed keyed, String path, List<String> problems) {
        if (!(item instanceof Map<?, ?> map)) {
            problems.add(path + ": an item of a list keyed by " + keyed.keys() + " is not a map");
            return Optional.empty();
        }
        List<Object> key = new ArrayList<>();
        for (String field : keyed.keys()) {
            Object value = map.get(field);
            if (value == null || CelJson.isNull(value)) {
                value = keyed.defaults().get(field);
            }
            if (value == null) {
                problems.add(path + ": associative list with keys has an element that omits key field \"" + field
                        + "\" (and doesn't have default value)");
                return Optional.empty();
            }
            key.add(value instanceof Integer number ? Long.valueOf(number) : value);
        }
        return Optional.of(key);
    }

    private static String describe(Keyed keyed, List<Object> key) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < key.size(); i++) {
            text.append(i == 0 ? "" : ",").append(keyed.keys().get(i)).append('=').append(CelJson.toJson(key.get(i)));
        }
        return text.append(']').toString();
    }

    /** A value from the configuration as it lands in the object: a null field is no field. */
    private static Object withoutNulls(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((key, field) -> {
                if (!CelJson.isNull(field)) {
                    out.put(String.valueOf(key), withoutNulls(field));
                }
            });
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(item -> out.add(withoutNulls(item)));
            return out;
        }
        return value;
    }
}
