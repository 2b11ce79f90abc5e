package dev.harbormaster.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A policy's compiled {@code matchConstraints}: which requests it applies to, decided on request
 * attributes and labels only, before any CEL runs.
 */
public record MatchCriteria(
        List<Rule> resourceRules,
        List<Rule> excludeResourceRules,
        Predicate<Map<?, ?>> namespaceSelector,
        Predicate<Map<?, ?>> objectSelector) {

    /** The request attributes the rules look at. */
    public record Request(String operation, String group, String version, String resource, String subResource,
                          String name, boolean namespaced) {

        /** The same request for any object: what the resource rules decide on unless they name resources. */
        public Request withoutName() {
            return "".equals(name) ? this : new Request(operation, group, version, resource, subResource, "", namespaced);
        }
    }

    /** Whether a rule names resources ({@code resourceNames}), so that matching depends on the object's name. */
    public boolean dependsOnName() {
        return resourceRules.stream().anyMatch(rule -> !rule.resourceNames().isEmpty())
                || excludeResourceRules.stream().anyMatch(rule -> !rule.resourceNames().isEmpty());
    }

    /** Loops, not streams: this runs for every policy on every request. */
    public boolean matchesResource(Request request) {
        return anyMatches(resourceRules, request) && !anyMatches(excludeResourceRules, request);
    }

    private static boolean anyMatches(List<Rule> rules, Request request) {
        for (Rule rule : rules) {
            if (rule.matches(request)) {
                return true;
            }
        }
        return false;
    }

    /** A resource rule as in ValidatingAdmissionPolicy; {@code *} is a wildcard in every list. */
    public record Rule(Set<String> operations, Set<String> apiGroups, Set<String> apiVersions, List<String> resources,
                       Set<String> resourceNames, String scope) {

        boolean matches(Request request) {
            return matchesAny(operations, request.operation())
                    && matchesAny(apiGroups, request.group())
                    && matchesAny(apiVersions, request.version())
                    && matchesAnyResource(request)
                    && (resourceNames.isEmpty() || resourceNames.contains(request.name()))
                    && switch (scope) {
                        case "Cluster" -> !request.namespaced();
                        case "Namespaced" -> request.namespaced();
                        default -> true;
                    };
        }

        private boolean matchesAnyResource(Request request) {
            for (String pattern : resources) {
                if (matchesResource(pattern, request)) {
                    return true;
                }
            }
            return false;
        }

        private static boolean matchesAny(Set<String> allowed, String value) {
            return allowed.contains("*") || allowed.contains(value);
        }

        /**
         * As kube-apiserver: {@code pods} is the main resource only, {@code pods/status} that
         * subresource, {@code pods/*} the resource and all its subresources, {@code *} every main
         * resource and {@code *}{@code /*} everything.
         */
        private static boolean matchesResource(String pattern, Request request) {
            int slash = pattern.indexOf('/');
            String resource = slash < 0 ? pattern : pattern.substring(0, slash);
            String subResource = slash < 0 ? "" : pattern.substring(slash + 1);
            return (resource.equals("*") || resource.equals(request.resource()))
                    && (subResource.equals("*") || subResource.equals(request.subResource()));
        }
    }
}
