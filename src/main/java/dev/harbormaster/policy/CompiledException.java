package dev.harbormaster.policy;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * A PolicyException ready to match: it applies to objects of its own namespace that every given
 * selector selects, for the policies (or validations) it names, until it expires.
 *
 * @param kinds     object kinds selected (empty: every kind)
 * @param names     object name patterns, {@code *} for any characters (empty: every name)
 * @param policies  by policy name: the validation indexes exempted (empty: the whole policy)
 * @param expiresAt null when it does not expire
 */
public record CompiledException(String namespace, String name, String source, String reason, Instant expiresAt,
                                Set<String> kinds, java.util.List<Pattern> names, Predicate<Map<?, ?>> selector,
                                Map<String, Set<Integer>> policies) {

    /** {@code namespace/name}, as warnings and reports name it. */
    public String id() {
        return namespace + "/" + name;
    }

    public boolean expired(Instant now) {
        return expiresAt != null && !now.isBefore(expiresAt);
    }

    /** Whether it selects the object (kind, name, labels) in the namespace, expired or not. */
    public boolean selects(String objectNamespace, String kind, String objectName, Map<?, ?> labels) {
        return namespace.equals(objectNamespace)
                && (kinds.isEmpty() || kinds.contains(kind))
                && (names.isEmpty() || names.stream().anyMatch(p -> p.matcher(objectName).matches()))
                && selector.test(labels);
    }

    /** Whether it exempts that validation of the policy (or, index -1, the whole policy). */
    public boolean exempts(String policy, int validation) {
        Set<Integer> validations = policies.get(policy);
        return validations != null && (validations.isEmpty() || validations.contains(validation));
    }

    /** Whether it exempts the whole policy rather than some of its validations. */
    public boolean exemptsWhole(String policy) {
        Set<Integer> validations = policies.get(policy);
        return validations != null && validations.isEmpty();
    }

    /** "exempted by team-a/legacy-batch until 2027-03-01: migrating to v2" */
    public String exemption() {
        return "exempted by " + id() + (expiresAt == null ? "" : " until " + shown(expiresAt)) + ": " + reason;
    }

    /** "exception team-a/legacy-batch expired on 2026-01-01 (…reason): the policy applies again" */
    public String expiry() {
        return "exception " + id() + " expired on " + shown(expiresAt) + ": the policy applies again";
    }

    /** A date alone when the instant is midnight UTC (as most end dates are written), else the instant. */
    static String shown(Instant instant) {
        var utc = instant.atOffset(ZoneOffset.UTC);
        return utc.toLocalTime().equals(LocalTime.MIDNIGHT) ? utc.toLocalDate().toString() : instant.toString();
    }

    /** An object name pattern: {@code *} stands for any characters, everything else for itself. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (String part : pattern.split("\\*", -1)) {
            if (!regex.isEmpty()) {
                regex.append(".*");
            }
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }
}
