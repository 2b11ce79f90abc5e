package dev.harbormaster.cel;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The named formats of Kubernetes' format library ({@code format.dns1123Label()} …), each
 * validating a string with apimachinery's messages. A validation is linear in the string's length.
 */
final class NamedFormats {

    record Format(String name, Function<String, List<String>> check) {
        List<String> validate(String s) {
            return check.apply(s);
        }
    }

    private static final String LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
    private static final Pattern DNS1123_LABEL = Pattern.compile(LABEL);
    private static final String DNS1123_SUBDOMAIN = LABEL + "(\\." + LABEL + ")*";
    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final String LABEL_VALUE = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private static final String DNS1123_LABEL_MSG = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', "
            + "and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '" + LABEL + "')";
    private static final String DNS1123_SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', "
            + "and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + DNS1123_SUBDOMAIN + "')";
    private static final String DNS1035_LABEL_MSG = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic "
            + "character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '" + DNS1035_LABEL.pattern() + "')";

    private static final Map<String, Format> FORMATS = Map.ofEntries(
            entry("dns1123Label", s -> pattern(s, DNS1123_LABEL, 63, DNS1123_LABEL_MSG)),
            entry("dns1123Subdomain", s -> check(s, NamedFormats::hasDnsSubdomainShape, 253, DNS1123_SUBDOMAIN_MSG)),
            entry("dns1035Label", s -> pattern(s, DNS1035_LABEL, 63, DNS1035_LABEL_MSG)),
            // A prefix (generateName) may end in '-': validate it as if a character followed.
            entry("dns1123LabelPrefix", s -> pattern(prefix(s), DNS1123_LABEL, 63, DNS1123_LABEL_MSG)),
            entry("dns1123SubdomainPrefix", s -> check(prefix(s), NamedFormats::hasDnsSubdomainShape, 253, DNS1123_SUBDOMAIN_MSG)),
            entry("dns1035LabelPrefix", s -> pattern(prefix(s), DNS1035_LABEL, 63, DNS1035_LABEL_MSG)),
            entry("qualifiedName", NamedFormats::qualifiedName),
            entry("labelValue", s -> {
                List<String> errors = new ArrayList<>();
                if (s.length() > 63) {
                    errors.add("must be no more than 63 characters");
                }
                if (!hasLabelValueShape(s)) {
                    errors.add("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start "
                            + "and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '"
                            + LABEL_VALUE + "')");
                }
                return errors;
            }),
            entry("uri", s -> valid(() -> KubeUrl.parse(s)) ? List.of() : List.of("invalid URI")),
            entry("uuid", s -> UUID.matcher(s).matches() ? List.of() : List.of("does not match the UUID format")),
            entry("byte", s -> valid(() -> Base64.getDecoder().decode(s)) ? List.of() : List.of("invalid base64")),
            entry("date", s -> valid(() -> LocalDate.parse(s)) ? List.of() : List.of("invalid date")),
            entry("datetime", s -> valid(() -> OffsetDateTime.parse(s)) ? List.of() : List.of("invalid datetime")));

    static final List<String> NAMES = FORMATS.keySet().stream().sorted().toList();

    private NamedFormats() {
    }

    static Optional<Format> named(String name) {
        return Optional.ofNullable(FORMATS.get(name));
    }

    private static Map.Entry<String, Format> entry(String name, Function<String, List<String>> check) {
        return Map.entry(name, new Format(name, check));
    }

    private static String prefix(String s) {
        return s.endsWith("-") ? s + "a" : s;
    }

    private static List<String> pattern(String s, Pattern pattern, int max, String message) {
        return check(s, text -> pattern.matcher(text).matches(), max, message);
    }

    private static List<String> check(String s, Predicate<String> shape, int max, String message) {
        List<String> errors = new ArrayList<>();
        if (s.length() > max) {
            errors.add("must be no more than " + max + " characters");
        }
        if (!shape.test(s)) {
            errors.add(message);
        }
        return errors;
    }

    /** A label value (and a qualified name's name part): apimachinery's grammar and its 63-character limit. */
    static boolean isLabelValue(String s) {
        return s.length() <= 63 && hasLabelValueShape(s);
    }

    /** A DNS-1123 subdomain (a label key's prefix): apimachinery's grammar and its 253-character limit. */
    static boolean isDnsSubdomain(String s) {
        return s.length() <= 253 && hasDnsSubdomainShape(s);
    }

    /**
     * {@link #LABEL_VALUE}, checked by hand, length aside: empty, or alphanumeric at both ends with
     * '-', '_' and '.' inside. selects() checks every selector it is given, per request.
     */
    static boolean hasLabelValueShape(String s) {
        int n = s.length();
        if (n == 0) {
            return true;
        }
        if (!isAlphanumeric(s.charAt(0)) || !isAlphanumeric(s.charAt(n - 1))) {
            return false;
        }
        for (int i = 1; i < n - 1; i++) {
            char c = s.charAt(i);
            if (!isAlphanumeric(c) && c != '-' && c != '_' && c != '.') {
                return false;
            }
        }
        return true;
    }

    /** {@link #DNS1123_SUBDOMAIN}, checked by hand, length aside: dot-separated {@link #LABEL}s. */
    static boolean hasDnsSubdomainShape(String s) {
        int n = s.length();
        int labelStart = 0;
        for (int i = 0; i <= n; i++) {
            if (i == n || s.charAt(i) == '.') {
                if (i == labelStart || s.charAt(i - 1) == '-' || s.charAt(labelStart) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = s.charAt(i);
                if (!(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-') {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean isAlphanumeric(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    private static List<String> qualifiedName(String s) {
        String[] parts = s.split("/", -1);
        List<String> errors = new ArrayList<>();
        String name;
        if (parts.length == 1) {
            name = parts[0];
        } else if (parts.length == 2) {
            if (parts[0].isEmpty()) {
                errors.add("prefix part must be non-empty");
            } else {
                errors.addAll(check(parts[0], NamedFormats::hasDnsSubdomainShape, 253, DNS1123_SUBDOMAIN_MSG).stream().map(e -> "prefix part " + e).toList());
            }
            name = parts[1];
        } else {
            return List.of("a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
                    + "character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') "
                    + "with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        }
        if (name.isEmpty()) {
            errors.add("name part must be non-empty");
        } else if (name.length() > 63) {
            errors.add("name part must be no more than 63 characters");
        }
        if (!name.isEmpty() && !hasLabelValueShape(name)) {
            errors.add("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                    + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        }
        return errors;
    }

    private static boolean valid(Runnable parse) {
        try {
            parse.run();
            return true;
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return false;
        }
    }
}
