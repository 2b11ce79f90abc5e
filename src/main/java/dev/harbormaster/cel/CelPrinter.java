package dev.harbormaster.cel;

import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationException;
import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.cel.parser.CelParser;
import dev.cel.parser.CelParserFactory;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Prints a CEL expression back as CEL text, rewriting nodes on the way. The expression is parsed
 * without macros, so {@code l.filter(c, …)}, {@code has(x.y)} and {@code cel.bind(…)} stay the
 * calls they were written as and print as such; every operator prints parenthesised. Used to
 * lower Harbormaster's helpers to standard CEL and to read MutatingAdmissionPolicy's typed objects.
 */
public final class CelPrinter {

    /** Replaces a node with other text; empty to print it as it is. */
    public interface Rewrite {
        Optional<String> rewrite(CelExpr expr, CelPrinter printer) throws Refusal;
    }

    /** An expression that cannot be rewritten, with why. */
    public static final class Refusal extends Exception {
        public Refusal(String reason) {
            super(reason, null, false, false);
        }
    }

    private static final CelParser PARSER = CelParserFactory.standardCelParserBuilder()
            .setOptions(CelOptions.current().enableOptionalSyntax(true).build())
            .build();

    private static final Map<String, String> BINARY = Map.ofEntries(
            Map.entry("_+_", "+"), Map.entry("_-_", "-"), Map.entry("_*_", "*"), Map.entry("_/_", "/"), Map.entry("_%_", "%"),
            Map.entry("_==_", "=="), Map.entry("_!=_", "!="), Map.entry("_<_", "<"), Map.entry("_<=_", "<="),
            Map.entry("_>_", ">"), Map.entry("_>=_", ">="), Map.entry("_&&_", "&&"), Map.entry("_||_", "||"), Map.entry("@in", "in"));

    private final Rewrite rewrite;

    public CelPrinter(Rewrite rewrite) {
        this.rewrite = rewrite;
    }

    /** The expression's tree, macros left as calls. */
    public static CelExpr parse(String expression) throws Refusal {
        try {
            return PARSER.parse(expression).getAst().getExpr();
        } catch (CelValidationException e) {
            throw new Refusal("does not parse: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The expression, parsed and printed with the rewrite. */
    public String print(String expression) throws Refusal {
        return print(parse(expression));
    }

    public String print(CelExpr expr) throws Refusal {
        Optional<String> replaced = rewrite.rewrite(expr, this);
        if (replaced.isPresent()) {
            return replaced.get();
        }
        return switch (expr.exprKind().getKind()) {
            case CONSTANT -> constant(expr.constant());
            case IDENT -> expr.ident().name();
            case SELECT -> print(expr.select().operand()) + "." + expr.select().field();
            case CALL -> call(expr.call());
            case LIST -> list(expr.list());
            case MAP -> map(expr.map());
            case STRUCT -> struct(expr.struct());
            default -> throw new Refusal("has a " + expr.exprKind().getKind() + " node, which has no CEL text");
        };
    }

    private String call(CelExpr.CelCall call) throws Refusal {
        String function = call.function();
        List<CelExpr> args = call.args();
        if (BINARY.containsKey(function) && args.size() == 2) {
            return "(" + print(args.get(0)) + " " + BINARY.get(function) + " " + print(args.get(1)) + ")";
        }
        switch (function) {
            case "_?_:_":
                return "(" + print(args.get(0)) + " ? " + print(args.get(1)) + " : " + print(args.get(2)) + ")";
            case "!_":
                return "!" + print(args.get(0));
            case "-_":
                return "-(" + print(args.get(0)) + ")";
            case "_[_]":
                return print(args.get(0)) + "[" + print(args.get(1)) + "]";
            case "_[?_]":
                return print(args.get(0)) + "[?" + print(args.get(1)) + "]";
            case "_?._":
                return print(args.get(0)) + ".?" + args.get(1).constant().stringValue();
            default:
                break;
        }
        StringBuilder text = new StringBuilder();
        if (call.target().isPresent()) {
            text.append(print(call.target().get())).append('.');
        }
        text.append(function).append('(');
        for (int i = 0; i < args.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(print(args.get(i)));
        }
        return text.append(')').toString();
    }

    private String list(CelExpr.CelList list) throws Refusal {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < list.elements().size(); i++) {
            text.append(i == 0 ? "" : ", ").append(list.optionalIndices().contains(i) ? "?" : "").append(print(list.elements().get(i)));
        }
        return text.append(']').toString();
    }

    private String map(CelExpr.CelMap map) throws Refusal {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < map.entries().size(); i++) {
            CelExpr.CelMap.Entry entry = map.entries().get(i);
            text.append(i == 0 ? "" : ", ").append(entry.optionalEntry() ? "?" : "")
                    .append(print(entry.key())).append(": ").append(print(entry.value()));
        }
        return text.append('}').toString();
    }

    private String struct(CelExpr.CelStruct struct) throws Refusal {
        StringBuilder text = new StringBuilder(struct.messageName()).append('{');
        for (int i = 0; i < struct.entries().size(); i++) {
            CelExpr.CelStruct.Entry entry = struct.entries().get(i);
            text.append(i == 0 ? "" : ", ").append(entry.optionalEntry() ? "?" : "")
                    .append(entry.fieldKey()).append(": ").append(print(entry.value()));
        }
        return text.append('}').toString();
    }

    private static String constant(CelConstant constant) throws Refusal {
        return switch (constant.getKind()) {
            case NULL_VALUE -> "null";
            case BOOLEAN_VALUE -> String.valueOf(constant.booleanValue());
            case INT64_VALUE -> String.valueOf(constant.int64Value());
            case UINT64_VALUE -> constant.uint64Value() + "u";
            case DOUBLE_VALUE -> doubleText(constant.doubleValue());
            case STRING_VALUE -> quote(constant.stringValue());
            case BYTES_VALUE -> "b" + quote(constant.bytesValue().toStringUtf8());
            default -> throw new Refusal("has a constant of kind " + constant.getKind() + ", which has no CEL text");
        };
    }

    private static String doubleText(double value) throws Refusal {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            throw new Refusal("has a constant " + value + ", which has no CEL text");
        }
        String text = Double.toString(value);
        return text.contains(".") || text.contains("E") ? text.replace("E", "e") : text + ".0";
    }

    /** A CEL string literal: double-quoted, with what must be escaped escaped. */
    public static String quote(String value) {
        return value.codePoints().mapToObj(c -> switch (c) {
            case '\\' -> "\\\\";
            case '"' -> "\\\"";
            case '\n' -> "\\n";
            case '\r' -> "\\r";
            case '\t' -> "\\t";
            default -> c < 0x20 || c == 0x7f ? String.format("\\u%04x", c) : new String(Character.toChars(c));
        }).collect(Collectors.joining("", "\"", "\""));
    }
}
