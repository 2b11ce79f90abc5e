package dev.harbormaster.intree;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import dev.harbormaster.cel.CelPrinter;
import dev.harbormaster.cel.CelPrinter.Refusal;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * MutatingAdmissionPolicy wants its JSONPatch operations as typed objects
 * ({@code JSONPatch{op: "add", path: "/x", value: 1}}); Harbormaster's mutations return maps
 * ({@code {'op': 'add', …}}). Lowering turns the map literals into the objects.
 */
final class JsonPatchLiterals {

    private static final Set<String> FIELDS = Set.of("op", "path", "value", "from");

    private JsonPatchLiterals() {
    }

    /** A map literal of a patch operation as a JSONPatch object; empty for any other node. */
    static Optional<String> toStruct(CelExpr expr, CelPrinter printer) throws Refusal {
        if (expr.exprKind().getKind() != CelExpr.ExprKind.Kind.MAP) {
            return Optional.empty();
        }
        Set<String> keys = new HashSet<>();
        for (CelExpr.CelMap.Entry entry : expr.map().entries()) {
            CelExpr key = entry.key();
            if (entry.optionalEntry() || key.exprKind().getKind() != CelExpr.ExprKind.Kind.CONSTANT
                    || key.constant().getKind() != CelConstant.Kind.STRING_VALUE || !FIELDS.contains(key.constant().stringValue())) {
                return Optional.empty();
            }
            keys.add(key.constant().stringValue());
        }
        if (!keys.contains("op") || !keys.contains("path")) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("JSONPatch{");
        for (int i = 0; i < expr.map().entries().size(); i++) {
            CelExpr.CelMap.Entry entry = expr.map().entries().get(i);
            text.append(i == 0 ? "" : ", ").append(entry.key().constant().stringValue()).append(": ").append(printer.print(entry.value()));
        }
        return Optional.of(text.append('}').toString());
    }

    /** The expression with its JSONPatch objects as maps, for an environment without the type. */
    static String toMaps(String expression) throws Refusal {
        return new CelPrinter((expr, printer) -> expr.exprKind().getKind() == CelExpr.ExprKind.Kind.STRUCT
                && expr.struct().messageName().equals("JSONPatch") ? Optional.of(structAsMap(expr.struct(), printer)) : Optional.empty())
                .print(expression);
    }

    static String structAsMap(CelExpr.CelStruct struct, CelPrinter printer) throws Refusal {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < struct.entries().size(); i++) {
            CelExpr.CelStruct.Entry entry = struct.entries().get(i);
            text.append(i == 0 ? "" : ", ").append(entry.optionalEntry() ? "?" : "").append(CelPrinter.quote(entry.fieldKey()))
                    .append(": ").append(printer.print(entry.value()));
        }
        return text.append('}').toString();
    }
}
