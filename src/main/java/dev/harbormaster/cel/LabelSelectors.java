package dev.harbormaster.cel;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Kubernetes label selector semantics ({@code matchLabels} and {@code matchExpressions} with In,
 * NotIn, Exists, DoesNotExist), validated as apimachinery validates them: keys are qualified names,
 * matchLabels values are label values, In and NotIn need values, Exists and DoesNotExist take none.
 * Hand-written: fabric8 ships the model but no matcher. An empty selector selects everything.
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
                checkKey(String.valueOf(key));
                if (!(entry.getValue() instanceof String value) || !NamedFormats.isLabelValue(value)) {
                    throw new IllegalArgumentException("matchLabels[" + key + "]: " + entry.getValue()
                            + " is not a label value (a string of at most 63 characters, alphanumeric at both ends, '-', '_' or '.' inside)");
                }
                result = result.and(labels -> value.equals(labels.get(key)));
            }
        }
        if (map.containsKey("matchLabels") && !(map.get("matchLabels") instanceof Map) && !CelJson.isNull(map.get("matchLabels"))) {
            throw new IllegalArgumentException("matchLabels must be a map of label keys to values");
        }
        if (map.containsKey("matchExpressions") && !(map.get("matchExpressions") instanceof List) && !CelJson.isNull(map.get("matchExpressions"))) {
            throw new IllegalArgumentException("matchExpressions must be a list");
        }
        if (map.get("matchExpressions") instanceof List<?> expressions) {
            for (Object expression : expressions) {
                result = result.and(requirement(expression));
            }
        }
        return result;
    }

    /** A qualified name: an optional DNS-subdomain prefix and '/', then a name of at most 63 characters. */
    private static void checkKey(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        boolean valid = !name.isEmpty() && NamedFormats.isLabelValue(name) && (prefix == null || NamedFormats.isDnsSubdomain(prefix));
        if (!valid) {
            throw new IllegalArgumentException("'" + key + "' is not a label key (an optional DNS subdomain prefix and '/', "
                    + "then at most 63 characters, alphanumeric at both ends, '-', '_' or '.' inside)");
        }
    }

    public static boolean matches(Object selector, Object labels) {
        return compile(selector).test(labels instanceof Map<?, ?> map ? map : Map.of());
    }

    private static Predicate<Map<?, ?>> requirement(Object expression) {
        if (!(expression instanceof Map<?, ?> requirement) || !(requirement.get("key") instanceof String key)) {
            throw new IllegalArgumentException("a matchExpressions entry needs a key: " + expression);
        }
        checkKey(key);
        List<String> values = requirement.get("values") instanceof List<?> list
                ? list.stream().map(String::valueOf).toList()
                : List.of();
        String operator = String.valueOf(requirement.get("operator"));
        boolean takesValues = operator.equals("In") || operator.equals("NotIn");
        if (takesValues && values.isEmpty()) {
            throw new IllegalArgumentException("operator " + operator + " for key " + key + " needs at least one value");
        }
        if ((operator.equals("Exists") || operator.equals("DoesNotExist")) && !values.isEmpty()) {
            throw new IllegalArgumentException("operator " + operator + " for key " + key + " takes no values, got " + values);
        }
        for (String value : values) {
            if (!NamedFormats.isLabelValue(value)) {
                throw new IllegalArgumentException("value '" + value + "' for key " + key + " is not a label value");
            }
        }
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
