package dev.harbormaster.cel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

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

    /** The annotations of the pod template (a Pod's own); null when there are none. */
    public static Map<String, Object> podAnnotations(Object object) {
        Map<String, Object> template = podTemplate(object);
        return template == null ? null : CelJson.map(CelJson.map(template, "metadata"), "annotations");
    }

    /** An annotation found on a workload or its namespace, and where: opt-outs say where they came from. */
    public record Annotation(Place place, Object value) {
        public enum Place { OBJECT, POD_TEMPLATE, NAMESPACE }
    }

    /** The annotation of that key on the object, else its pod template, else its namespace object. */
    @SuppressWarnings("unchecked")
    public static Optional<Annotation> findAnnotation(Object object, Object namespaceObject, String key) {
        Map<String, Object> own = object instanceof Map<?, ?> map ? CelJson.map(CelJson.map((Map<String, Object>) map, "metadata"), "annotations") : null;
        Map<String, Object> namespace = namespaceObject instanceof Map<?, ?> map
                ? CelJson.map(CelJson.map((Map<String, Object>) map, "metadata"), "annotations") : null;
        List<Map<String, Object>> places = java.util.Arrays.asList(own, podAnnotations(object), namespace);
        for (int i = 0; i < places.size(); i++) {
            if (places.get(i) != null && places.get(i).containsKey(key)) {
                return Optional.of(new Annotation(Annotation.Place.values()[i], places.get(i).get(key)));
            }
        }
        return Optional.empty();
    }

    /**
     * A setting given by annotation, looked up on the object, then its pod template, then its
     * namespace object; "" when none has it. Lets a team tune a policy per workload or namespace.
     */
    public static String annotation(Object object, Object namespaceObject, String key) {
        return findAnnotation(object, namespaceObject, key).map(a -> a.value() instanceof String value ? value : "").orElse("");
    }

    /**
     * Where the named container sits, e.g. {@code spec.template.spec.initContainers[1]}; the pod spec
     * path alone when no container has that name. Names are unique across the three lists.
     */
    public static String containerPath(Object object, String name) {
        for (String list : List.of("containers", "initContainers", "ephemeralContainers")) {
            List<Object> containers = containers(object, list);
            for (int i = 0; i < containers.size(); i++) {
                if (containers.get(i) instanceof Map<?, ?> container && name.equals(container.get("name"))) {
                    return podSpecPath(object) + "." + list + "[" + i + "]";
                }
            }
        }
        return podSpecPath(object);
    }

    private static final java.util.regex.Pattern SLEEP =
            java.util.regex.Pattern.compile("(?:^|[\\s;&|(])(?:/usr)?(?:/bin/)?sleep\\s+([0-9]+)([smh]?)(?=$|[\\s;&|)])");

    /**
     * Seconds a container's preStop hook sleeps: the native {@code sleep} action, or the sleeps in an
     * exec command ({@code sh -c "sleep 10"}, {@code sleep 10}, {@code /bin/sleep 5s}; several add up).
     * 0 when it has none.
     */
    public static long preStopSleepSeconds(Object container) {
        if (!(container instanceof Map<?, ?>)) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> preStop = CelJson.map(CelJson.map((Map<String, Object>) container, "lifecycle"), "preStop");
        if (CelJson.map(preStop, "sleep") != null && CelJson.map(preStop, "sleep").get("seconds") instanceof Long seconds) {
            return seconds;
        }
        List<Object> command = CelJson.list(CelJson.map(preStop, "exec"), "command");
        long total = 0;
        java.util.regex.Matcher sleep = SLEEP.matcher(String.join(" ", command.stream().map(String::valueOf).toList()));
        while (sleep.find()) {
            long amount = Long.parseLong(sleep.group(1));
            total += switch (sleep.group(2)) {
                case "m" -> amount * 60;
                case "h" -> amount * 3600;
                default -> amount;
            };
        }
        return total;
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
