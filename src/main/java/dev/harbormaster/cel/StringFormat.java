package dev.harbormaster.cel;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The strings extension's {@code '%s'.format([...])}, which cel-java 0.14 does not ship: the
 * verbs %s %d %f %e %b %o %x %X and %%, an optional precision for %f and %e. The result is at most
 * the template plus each argument rendered once, so it is linear in its inputs.
 */
final class StringFormat {

    private StringFormat() {
    }

    static String format(String template, List<?> args) {
        StringBuilder out = new StringBuilder();
        int next = 0;
        for (int i = 0; i < template.length(); i++) {
            char c = template.charAt(i);
            if (c != '%') {
                out.append(c);
                continue;
            }
            if (++i >= template.length()) {
                throw new IllegalArgumentException("unfinished format verb at the end of \"" + template + "\"");
            }
            Integer precision = null;
            if (template.charAt(i) == '.') {
                int start = ++i;
                while (i < template.length() && Character.isDigit(template.charAt(i))) {
                    i++;
                }
                if (start == i || i >= template.length()) {
                    throw new IllegalArgumentException("a precision is .<digits> followed by a verb");
                }
                precision = Integer.parseInt(template.substring(start, i));
            }
            char verb = template.charAt(i);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            if (next >= args.size()) {
                throw new IllegalArgumentException("index " + next + " out of range: only " + args.size() + " arguments");
            }
            out.append(verb(verb, precision, args.get(next++)));
        }
        return out.toString();
    }

    private static String verb(char verb, Integer precision, Object arg) {
        return switch (verb) {
            case 's' -> string(arg, true);
            case 'd' -> {
                if (arg instanceof Long || arg instanceof Integer || arg instanceof com.google.common.primitives.UnsignedLong) {
                    yield arg.toString();
                }
                if (arg instanceof Double d && (d.isNaN() || d.isInfinite())) {
                    yield d.isNaN() ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
                }
                throw new IllegalArgumentException("%d needs an integer, not " + typeName(arg));
            }
            case 'f' -> fixed(number(arg, 'f'), precision == null ? 6 : precision);
            case 'e' -> String.format(Locale.ROOT, "%." + (precision == null ? 6 : precision) + "e", number(arg, 'e'));
            case 'b' -> Long.toBinaryString(integer(arg, 'b'));
            case 'o' -> Long.toOctalString(integer(arg, 'o'));
            case 'x', 'X' -> {
                String hex = arg instanceof String s ? HexFormat.of().formatHex(s.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                        : Long.toHexString(integer(arg, verb));
                yield verb == 'X' ? hex.toUpperCase(Locale.ROOT) : hex;
            }
            default -> throw new IllegalArgumentException("unrecognized formatting clause \"%" + verb + "\"");
        };
    }

    private static String fixed(double d, int precision) {
        if (d != d || Double.isInfinite(d)) {
            return Double.isNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
        }
        return new BigDecimal(d).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    }

    private static double number(Object arg, char verb) {
        if (arg instanceof Number n) {
            return n.doubleValue();
        }
        throw new IllegalArgumentException("%" + verb + " needs a number, not " + typeName(arg));
    }

    private static long integer(Object arg, char verb) {
        if (arg instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("%" + verb + " needs an integer, not " + typeName(arg));
    }

    /** CEL's rendering: strings bare at the top, quoted inside lists and maps. */
    private static String string(Object arg, boolean top) {
        if (arg instanceof String s) {
            return top ? s : '"' + s + '"';
        }
        if (arg instanceof List<?> list) {
            StringBuilder out = new StringBuilder("[");
            for (int i = 0; i < list.size(); i++) {
                out.append(i > 0 ? ", " : "").append(string(list.get(i), false));
            }
            return out.append(']').toString();
        }
        if (arg instanceof Map<?, ?> map) {
            StringBuilder out = new StringBuilder("{");
            boolean first = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                out.append(first ? "" : ", ").append(string(e.getKey(), false)).append(": ").append(string(e.getValue(), false));
                first = false;
            }
            return out.append('}').toString();
        }
        if (arg instanceof Double d) {
            return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 1e21 ? BigDecimal.valueOf(d).toBigInteger().toString() : d.toString();
        }
        if (arg == null || arg instanceof dev.cel.common.values.NullValue) {
            return "null";
        }
        return String.valueOf(arg);
    }

    private static String typeName(Object arg) {
        return arg == null ? "null" : arg instanceof String ? "string" : arg instanceof Double ? "double" : arg.getClass().getSimpleName();
    }
}
