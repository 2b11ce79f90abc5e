package dev.harbormaster.policy;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resources of Kubernetes' built-in API groups ({@link BuiltInTypes}), by the names rules use (lower-case plurals).
 * A rule naming {@code pod} or {@code Deployment} never matches anything, silently: kube-apiserver
 * sends {@code pods} and {@code deployments}. The loader warns about such names, with the one
 * that was probably meant; a group that is not built in (a CRD's) is not second-guessed.
 */
final class KnownResources {

    static final Map<String, Set<String>> BY_GROUP = BuiltInTypes.RESOURCES_BY_GROUP;

    private KnownResources() {
    }

    /**
     * What is wrong with a resource of a rule, or empty when nothing is: a name that no built-in
     * group of the rule has. With {@code apiGroups: ["*"]} only a near miss of a built-in name is
     * reported (the rule may mean a CRD's resource); with any group that is not built in, nothing.
     */
    static Optional<String> problem(List<String> apiGroups, String resourcePattern) {
        String resource = resourcePattern.contains("/") ? resourcePattern.substring(0, resourcePattern.indexOf('/')) : resourcePattern;
        if (resource.equals("*") || apiGroups.stream().anyMatch(g -> !g.equals("*") && !BY_GROUP.containsKey(g))) {
            return Optional.empty();
        }
        boolean anyGroup = apiGroups.contains("*");
        Set<String> known = new TreeSet<>();
        (anyGroup ? BY_GROUP.keySet() : apiGroups).forEach(g -> known.addAll(BY_GROUP.get(g)));
        if (known.contains(resource)) {
            return Optional.empty();
        }
        Optional<String> meant = known.stream().filter(k -> nearMiss(resource, k)).findFirst();
        if (anyGroup && meant.isEmpty()) {
            return Optional.empty();
        }
        String groups = apiGroups.stream().map(g -> "\"" + g + "\"").toList().toString();
        return Optional.of("'" + resourcePattern + "' is not a resource of the built-in API groups " + groups
                + ", so this rule never matches it (rules name lower-case plurals)"
                + meant.map(m -> "; did you mean '" + m + resourcePattern.substring(resource.length()) + "'?").orElse(""));
    }

    /** The plural of a singular, another case of the same name, or one or two letters off. */
    private static boolean nearMiss(String written, String known) {
        String lower = written.toLowerCase(java.util.Locale.ROOT);
        if (lower.equals(known) || known.equals(lower + "s") || known.equals(lower + "es")
                || lower.endsWith("y") && known.equals(lower.substring(0, lower.length() - 1) + "ies")) {
            return true;
        }
        return Math.abs(lower.length() - known.length()) <= 2 && distance(lower, known) <= 2;
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
