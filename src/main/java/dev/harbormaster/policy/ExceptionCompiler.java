package dev.harbormaster.policy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harbormaster.cel.LabelSelectors;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns a PolicyException document into a {@link CompiledException}, against the policies it
 * names (they must exist, and so must the validations it names). Every problem is reported as
 * "field: message".
 */
final class ExceptionCompiler {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]*[a-z0-9])?");

    private ExceptionCompiler() {
    }

    /** @return the exception, or null when {@code errors} received something */
    static CompiledException compile(String source, PolicyDocument document, Function<String, Optional<CompiledPolicy>> policies,
                                     List<String> errors) {
        int before = errors.size();
        String namespace = document.namespace();
        if (namespace == null || namespace.isEmpty()) {
            errors.add("metadata.namespace: missing: an exception applies only inside its own namespace");
        } else if (!NAME.matcher(namespace).matches() || namespace.length() > 63) {
            errors.add("metadata.namespace: '" + PolicyLoader.printable(namespace) + "' is not a valid namespace name");
        }
        PolicyExceptionSpec spec = PolicyCompiler.readSpec(document.spec(), PolicyExceptionSpec.class, errors);
        if (spec == null) {
            return null;
        }
        if (spec.reason() == null || spec.reason().isBlank()) {
            errors.add("spec.reason: missing: say why the objects are exempted (it is shown with every exempted result)");
        }
        Instant expiresAt = null;
        if (spec.expiresAt() != null) {
            try {
                expiresAt = OffsetDateTime.parse(spec.expiresAt()).toInstant();
            } catch (DateTimeParseException e) {
                errors.add("spec.expiresAt: '" + PolicyLoader.printable(spec.expiresAt())
                        + "' is not an RFC 3339 date-time (such as 2027-03-01T00:00:00Z)");
            }
        }
        Set<String> kinds = Set.of();
        List<Pattern> names = List.of();
        Predicate<Map<?, ?>> selector = labels -> true;
        if (spec.match() != null) {
            kinds = spec.match().kinds() == null ? Set.of() : Set.copyOf(spec.match().kinds());
            if (spec.match().names() != null) {
                names = spec.match().names().stream().map(CompiledException::glob).toList();
            }
            try {
                selector = LabelSelectors.compile(PolicyCompiler.toCel(spec.match().selector()));
            } catch (IllegalArgumentException | IOException e) {
                errors.add("spec.match.selector: " + e.getMessage());
            }
        }
        Map<String, Set<Integer>> exempted = new LinkedHashMap<>();
        if (spec.policies() == null || spec.policies().isEmpty()) {
            errors.add("spec.policies: needs at least one policy to exempt from");
        } else {
            for (int i = 0; i < spec.policies().size(); i++) {
                String field = "spec.policies[" + i + "]";
                PolicyExceptionSpec.Exempted entry = spec.policies().get(i);
                Optional<CompiledPolicy> policy = entry.name() == null ? Optional.empty() : policies.apply(entry.name());
                if (entry.name() == null) {
                    errors.add(field + ".name: missing");
                } else if (policy.isEmpty()) {
                    errors.add(field + ".name: no policy '" + PolicyLoader.printable(entry.name()) + "' is in force");
                } else if (exempted.containsKey(entry.name())) {
                    errors.add(field + ".name: '" + entry.name() + "' is listed twice");
                } else {
                    exempted.put(entry.name(), validations(policy.get(), entry.validations(), field + ".validations", errors));
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        return new CompiledException(namespace, document.name(), source, spec.reason().strip(), expiresAt, kinds, names, selector,
                exempted);
    }

    /** The indexes of the validations named (by index or by name); empty for none named: the whole policy. */
    private static Set<Integer> validations(CompiledPolicy policy, List<JsonNode> named, String field, List<String> errors) {
        if (named == null || named.isEmpty()) {
            return Set.of();
        }
        Set<Integer> indexes = new TreeSet<>();
        for (int i = 0; i < named.size(); i++) {
            JsonNode item = named.get(i);
            String at = field + "[" + i + "]";
            if (policy.kind() == CompiledPolicy.Kind.MUTATING) {
                errors.add(at + ": " + policy.name() + " is a mutating policy; exempt it whole (leave out validations)");
            } else if (item.isInt() && item.asInt() >= 0 && item.asInt() < policy.validations().size()) {
                indexes.add(item.asInt());
            } else if (item.isTextual() && policy.validations().stream().anyMatch(c -> item.asText().equals(c.name()))) {
                policy.validations().stream().filter(c -> item.asText().equals(c.name())).forEach(c -> indexes.add(c.index()));
            } else {
                Set<String> known = new LinkedHashSet<>();
                policy.validations().forEach(c -> known.add(c.name() == null ? String.valueOf(c.index()) : c.index() + " or " + c.name()));
                errors.add(at + ": " + PolicyLoader.printable(item.toString()) + " is no validation of " + policy.name()
                        + " (it has " + String.join(", ", known) + ")");
            }
        }
        return Set.copyOf(indexes);
    }
}
