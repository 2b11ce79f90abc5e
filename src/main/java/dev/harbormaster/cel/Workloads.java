package dev.harbormaster.cel;

import java.util.List;
import java.util.Map;

/** Where the pod template sits in each workload kind. */
public final class Workloads {

    private Workloads() {
    }

    /** The dotted path of the pod spec in an object of this kind, e.g. {@code spec.template.spec}. */
    public static String podSpecPath(Object object) {
        return switch (kind(object)) {
            case "Pod" -> "spec";
            case "CronJob" -> "spec.jobTemplate.spec.template.spec";
            default -> "spec.template.spec";
        };
    }

    /** The pod spec of a Pod or of any workload's pod template; null when the object has none. */
    public static Map<String, Object> podSpec(Object object) {
        Map<String, Object> template = podTemplate(object);
        return template == null ? null : CelJson.map(template, "spec");
    }

    /** The labels the workload's pods get; null when there are none. */
    public static Map<String, Object> podLabels(Object object) {
        Map<String, Object> template = podTemplate(object);
        return template == null ? null : CelJson.map(CelJson.map(template, "metadata"), "labels");
    }

    /** One container list of the pod spec ({@code containers}, {@code initContainers}, …); empty when absent. */
    public static List<Object> containers(Object object, String list) {
        return CelJson.list(podSpec(object), list);
    }

    /** The object that holds {@code metadata} and {@code spec} of the pods: the Pod itself, or a template. */
    private static Map<String, Object> podTemplate(Object object) {
        if (!(object instanceof Map<?, ?>)) {
            return null;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) object;
        Map<String, Object> spec = CelJson.map(map, "spec");
        return switch (kind(object)) {
            case "Pod" -> map;
            case "CronJob" -> CelJson.map(CelJson.map(CelJson.map(spec, "jobTemplate"), "spec"), "template");
            default -> CelJson.map(spec, "template");
        };
    }

    private static String kind(Object object) {
        String kind = object instanceof Map<?, ?> map && map.get("kind") instanceof String k ? k : "";
        return kind;
    }
}
