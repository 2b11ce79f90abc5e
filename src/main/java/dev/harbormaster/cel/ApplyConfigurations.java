package dev.harbormaster.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.ast.CelExpr;
import dev.cel.common.navigation.CelNavigableExpr;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * MutatingAdmissionPolicy's {@code patchType: ApplyConfiguration}: the expression builds an
 * {@code Object{…}} value, whose nested objects are named after their field path from the root
 * ({@code Object{spec: Object.spec{template: Object.spec.template{…}}}}), as kube-apiserver's
 * schema-less type resolver names them (k8s.io/apiserver/pkg/cel/mutation: any name {@code Object}
 * or {@code Object.…} is an object type with any fields, each of type dyn).
 *
 * <p>cel-java's interpreter builds only protobuf messages from struct literals, so the literals are
 * checked as written (their types declared per expression, with the field names it uses) and then
 * evaluated as calls of {@link #LITERAL}, which makes a {@link ObjectValue}.
 */
public final class ApplyConfigurations implements CelCompilerLibrary, CelRuntimeLibrary {

    /** The root type an apply configuration must have, as kube-apiserver requires. */
    public static final String ROOT = "Object";
    /** The function a struct literal is evaluated as: {@code (type name, fields)}. */
    static final String LITERAL = "hm_object_literal";
    private static final CelType ROOT_TYPE = StructType.create(ROOT, ImmutableSet.of(), field -> Optional.of(SimpleType.DYN));
    /** The result type to compile an apply configuration with ({@link CelEnvironment#compile}). */
    public static final CelType OBJECT = ROOT_TYPE;

    /** An object an apply configuration built: its type name and its set fields. */
    public record ObjectValue(String typeName, Map<?, ?> fields) {

        /**
         * The type names that do not follow the field path from the root, as kube-apiserver checks
         * them after evaluation (lists and maps in between are unnamed); empty when all do.
         */
        public List<String> misnamed() {
            List<String> problems = new ArrayList<>();
            misnamed(this, ROOT, problems);
            return problems;
        }

        private static void misnamed(Object value, String expected, List<String> problems) {
            if (value instanceof ObjectValue object) {
                if (!object.typeName().equals(expected)) {
                    problems.add("unexpected type name \"" + object.typeName() + "\", expected \"" + expected
                            + "\", which matches field name path from root Object type");
                }
                object.fields().forEach((key, field) -> misnamed(field, expected + "." + key, problems));
            } else if (value instanceof List<?> list) {
                list.forEach(item -> misnamed(item, expected, problems));
            } else if (value instanceof Map<?, ?> map) {
                map.values().forEach(item -> misnamed(item, expected, problems));
            }
        }

        /** The value as plain maps and lists, the shape of a Kubernetes object. */
        public Object plain() {
            return plain(this);
        }

        private static Object plain(Object value) {
            if (value instanceof ObjectValue object) {
                return plainMap(object.fields());
            }
            if (value instanceof Map<?, ?> map) {
                return plainMap(map);
            }
            if (value instanceof List<?> list) {
                List<Object> items = new ArrayList<>(list.size());
                list.forEach(item -> items.add(plain(item)));
                return items;
            }
            return value;
        }

        private static Map<String, Object> plainMap(Map<?, ?> map) {
            Map<String, Object> fields = new LinkedHashMap<>();
            map.forEach((key, field) -> fields.put(String.valueOf(key), plain(field)));
            return fields;
        }
    }

    @Override
    public void setCheckerOptions(CelCheckerBuilder checker) {
        checker.addFunctionDeclarations(newFunctionDeclaration(LITERAL,
                newGlobalOverload("hm_object_literal_string_map", ROOT_TYPE, SimpleType.STRING, MapType.create(SimpleType.STRING, SimpleType.DYN))));
    }

    @Override
    public void setRuntimeOptions(CelRuntimeBuilder runtime) {
        runtime.addFunctionBindings(CelFunctionBinding.from("hm_object_literal_string_map", String.class, Map.class, ObjectValue::new));
    }

    static boolean isObjectType(String name) {
        return name.equals(ROOT) || name.startsWith(ROOT + ".");
    }

    /**
     * The object types an expression's literals name, each with the fields it is given there: the
     * checker then knows every {@code Object…} name as kube-apiserver's resolver does, and other
     * names stay undeclared.
     */
    static CelTypeProvider typesOf(CelExpr root) {
        Map<String, Set<String>> fields = new LinkedHashMap<>();
        CelNavigableExpr.fromExpr(root).allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.STRUCT && isObjectType(node.expr().struct().messageName()))
                .forEach(node -> node.expr().struct().entries().forEach(entry ->
                        fields.computeIfAbsent(node.expr().struct().messageName(), n -> new LinkedHashSet<>()).add(entry.fieldKey())));
        List<CelType> types = new ArrayList<>();
        fields.forEach((name, names) -> types.add(StructType.create(name, ImmutableSet.copyOf(names), field -> Optional.of(SimpleType.DYN))));
        ImmutableList<CelType> all = ImmutableList.copyOf(types);
        return new CelTypeProvider() {
            @Override
            public ImmutableList<CelType> types() {
                return all;
            }

            @Override
            public Optional<CelType> findType(String name) {
                if (!isObjectType(name)) {
                    return Optional.empty();
                }
                return Optional.of(all.stream().filter(type -> type.name().equals(name)).findFirst()
                        .orElseGet(() -> StructType.create(name, ImmutableSet.of(), field -> Optional.of(SimpleType.DYN))));
            }
        };
    }

    /**
     * A literal given directly as a field of another whose type name is not the field path (the
     * check kube-apiserver makes on every evaluation, which a literal would fail every time), or empty.
     */
    static Optional<String> misnamedLiteral(CelExpr root) {
        return CelNavigableExpr.fromExpr(root).allNodes()
                .filter(node -> node.getKind() == CelExpr.ExprKind.Kind.STRUCT && isObjectType(node.expr().struct().messageName()))
                .flatMap(node -> {
                    String parent = node.expr().struct().messageName();
                    List<String> problems = new ArrayList<>();
                    for (CelExpr.CelStruct.Entry entry : node.expr().struct().entries()) {
                        childLiterals(entry.value()).stream()
                                .filter(name -> !name.equals(parent + "." + entry.fieldKey()))
                                .forEach(name -> problems.add(name + "{…} is the value of " + parent + "'s field '" + entry.fieldKey()
                                        + "': its type must be named " + parent + "." + entry.fieldKey()
                                        + " (the field path from the root Object)"));
                    }
                    return problems.stream();
                })
                .findFirst();
    }

    /** The object literals a field is given directly, or as the items of a list or map literal. */
    private static List<String> childLiterals(CelExpr value) {
        List<String> names = new ArrayList<>();
        switch (value.getKind()) {
            case STRUCT -> {
                if (isObjectType(value.struct().messageName())) {
                    names.add(value.struct().messageName());
                }
            }
            case LIST -> value.list().elements().forEach(item -> names.addAll(childLiterals(item)));
            case MAP -> value.map().entries().forEach(entry -> names.addAll(childLiterals(entry.value())));
            default -> {
            }
        }
        return names;
    }

    /** The expression with its object literals as calls of {@link #LITERAL}, which the interpreter can evaluate. */
    static String asCalls(String expression) throws CelPrinter.Refusal {
        return new CelPrinter((expr, printer) -> {
            if (expr.getKind() != CelExpr.ExprKind.Kind.STRUCT || !isObjectType(expr.struct().messageName())) {
                return Optional.empty();
            }
            StringBuilder text = new StringBuilder(LITERAL).append('(').append(CelPrinter.quote(expr.struct().messageName())).append(", {");
            for (int i = 0; i < expr.struct().entries().size(); i++) {
                CelExpr.CelStruct.Entry entry = expr.struct().entries().get(i);
                text.append(i == 0 ? "" : ", ").append(entry.optionalEntry() ? "?" : "").append(CelPrinter.quote(entry.fieldKey()))
                        .append(": ").append(printer.print(entry.value()));
            }
            return Optional.of(text.append("})").toString());
        }).print(expression);
    }
}
