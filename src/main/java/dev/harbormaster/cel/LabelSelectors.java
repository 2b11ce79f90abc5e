package dev.harbormaster.cel;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kubernetes label selector semantics ({@code matchLabels} and {@code matchExpressions} with In,
 * NotIn, Exists, DoesNotExist). Hand-written: fabric8 ships the model but no matcher. An empty
 * selector selects everything, as in Kubernetes.
 */
public final class LabelSelectors {

    private static final Set<String> FIELDS = Set.of("matchLabels", "matchExpressions");

    private LabelSelectors() {
    }

    /** Compiles a selector given as a map; throws IllegalArgumentException saying what is wrong. */
    public static Predicate<Map<?, ?>> compile(Object selector) {
        if (CelJson.isNull(selector)) {
            return labels -> true;
        }
        if (!(selector instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("a label selector must be a map, not " + selector);
        }
        for (Object field : map.keySet()) {
            if (!FIELDS.contains(field)) {
                throw new IllegalArgumentException("unknown label selector field '" + field + "' (known: matchLabels, matchExpressions)");
            }
        }
        Predicate<Map<?, ?>> result = labels -> true;
        if (map.get("matchLabels") instanceof Map<?, ?> matchLabels) {
            for (Map.Entry<?, ?> entry : matchLabels.entrySet()) {
                Object key = entry.getKey();
                String value = String.valueOf(entry.getValue());
                result = result.and(labels -> value.equals(labels.get(key)));
            }
        }
        if (map.get("matchExpressions") instanceof List<?> expressions) {
            for (Object expression : expressions) {
                result = result.and(requirement(expression));
            }
        }
        return result;
    }

    public static boolean matches(Object selector, Object labels) {
        return compile(selector).test(labels instanceof Map<?, ?> map ? map : Map.of());
    }

    private static Predicate<Map<?, ?>> requirement(Object expression) {
        if (!(expression instanceof Map<?, ?> requirement) || !(requirement.get("key") instanceof String key)) {
            throw new IllegalArgumentException("a matchExpressions entry needs a key: " + expression);
        }
        List<String> values = requirement.get("values") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : List.of();
        String operator = String.valueOf(requirement.get("operator"));
        return switch (operator) {
            case "In" -> labels -> labels.containsKey(key) && values.contains(String.valueOf(labels.get(key)));
            case "NotIn" -> labels -> !labels.containsKey(key) || !values.contains(String.valueOf(labels.get(key)));
            case "Exists" -> labels -> labels.containsKey(key);
            case "DoesNotExist" -> labels -> !labels.containsKey(key);
            default -> throw new IllegalArgumentException(
                    "unknown operator '" + operator + "' for key " + key + " (known: In, NotIn, Exists, DoesNotExist)");
        };
    }
}
