package dev.harbormaster.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes CEL library functions that admission policies commonly use and cel-java lacks:
 * regex {@code find}/{@code findAll}, list {@code isSorted}/{@code sum}/{@code min}/{@code max}/
 * {@code indexOf}/{@code lastIndexOf}, and {@code quantity}. Semantics follow
 * k8s.io/apiserver/pkg/cel/library. Regexes use RE2 (linear time), as CEL's own {@code matches}.
 */
public final class KubernetesLibrary implements CelCompilerLibrary, CelRuntimeLibrary {

    static final CelType QUANTITY = OpaqueType.create("kubernetes.Quantity");
    private static final CelType LIST = ListType.create(SimpleType.DYN);
    private static final CelType STRINGS = ListType.create(SimpleType.STRING);

    /** The hidden function {@code l.sortBy(e, key)} expands to, as cel-go's lists extension names it. */
    private static final String SORT_BY_KEYS = "@sortByAssociatedKeys";
    private static final dev.cel.common.types.TypeParamType ELEMENT = dev.cel.common.types.TypeParamType.create("T");
    private static final dev.cel.common.types.TypeParamType KEY = dev.cel.common.types.TypeParamType.create("K");

    /**
     * {@code l.sortBy(e, key)}: l in the order of {@code key} evaluated for each element (stable). cel-java 0.14
     * declares SORT_BY in its lists extension but never expands the macro, so it is expanded here, as
     * cel-go does: {@code @sortByAssociatedKeys(l, l.map(e, key))}, the map written as its comprehension.
     */
    private static final dev.cel.parser.CelMacro SORT_BY = dev.cel.parser.CelMacro.newReceiverMacro("sortBy", 2,
            (factory, target, arguments) -> {
                dev.cel.common.ast.CelExpr variable = arguments.get(0);
                if (variable.getKind() != dev.cel.common.ast.CelExpr.ExprKind.Kind.IDENT) {
                    return java.util.Optional.of(factory.reportError("sortBy(e, key): e must be a variable name"));
                }
                String accumulator = factory.getAccumulatorVarName();
                dev.cel.common.ast.CelExpr keys = factory.fold(variable.ident().name(), target, accumulator, factory.newList(),
                        factory.newBoolLiteral(true),
                        factory.newGlobalCall("_+_", factory.newIdentifier(accumulator), factory.newList(arguments.get(1))),
                        factory.newIdentifier(accumulator));
                return java.util.Optional.of(factory.newGlobalCall(SORT_BY_KEYS, factory.copy(target), keys));
            });

    @Override
    public void setParserOptions(dev.cel.parser.CelParserBuilder parser) {
        parser.addMacros(SORT_BY);
    }

    @Override
    public void setCheckerOptions(CelCheckerBuilder checker) {
        checker.addFunctionDeclarations(
                newFunctionDeclaration(SORT_BY_KEYS, newGlobalOverload("list_sort_by_associated_keys",
                        ListType.create(ELEMENT), ListType.create(ELEMENT), ListType.create(KEY))),
                // MutatingAdmissionPolicy's JSONPatch library.
                newFunctionDeclaration("jsonpatch.escapeKey", newGlobalOverload("jsonpatch_escapeKey", SimpleType.STRING, SimpleType.STRING)),
                newFunctionDeclaration("find", newMemberOverload("string_find_string", SimpleType.STRING, SimpleType.STRING, SimpleType.STRING)),
                newFunctionDeclaration("findAll",
                        newMemberOverload("string_findAll_string", STRINGS, SimpleType.STRING, SimpleType.STRING),
                        newMemberOverload("string_findAll_string_int", STRINGS, SimpleType.STRING, SimpleType.STRING, SimpleType.INT)),
                newFunctionDeclaration("isSorted", newMemberOverload("list_isSorted", SimpleType.BOOL, LIST)),
                newFunctionDeclaration("sum", newMemberOverload("list_sum", SimpleType.DYN, LIST)),
                newFunctionDeclaration("min", newMemberOverload("list_min", SimpleType.DYN, LIST)),
                newFunctionDeclaration("max", newMemberOverload("list_max", SimpleType.DYN, LIST)),
                newFunctionDeclaration("indexOf", newMemberOverload("list_indexOf", SimpleType.INT, LIST, SimpleType.DYN)),
                newFunctionDeclaration("lastIndexOf", newMemberOverload("list_lastIndexOf", SimpleType.INT, LIST, SimpleType.DYN)),
                newFunctionDeclaration("quantity", newGlobalOverload("quantity_string", QUANTITY, SimpleType.STRING)),
                newFunctionDeclaration("isQuantity", newGlobalOverload("isQuantity_string", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("sign", newMemberOverload("quantity_sign", SimpleType.INT, QUANTITY)),
                newFunctionDeclaration("isInteger", newMemberOverload("quantity_isInteger", SimpleType.BOOL, QUANTITY)),
                newFunctionDeclaration("asInteger", newMemberOverload("quantity_asInteger", SimpleType.INT, QUANTITY)),
                newFunctionDeclaration("asApproximateFloat", newMemberOverload("quantity_asApproximateFloat", SimpleType.DOUBLE, QUANTITY)),
                newFunctionDeclaration("compareTo", newMemberOverload("quantity_compareTo", SimpleType.INT, QUANTITY, QUANTITY)),
                newFunctionDeclaration("isGreaterThan", newMemberOverload("quantity_isGreaterThan", SimpleType.BOOL, QUANTITY, QUANTITY)),
                newFunctionDeclaration("isLessThan", newMemberOverload("quantity_isLessThan", SimpleType.BOOL, QUANTITY, QUANTITY)),
                newFunctionDeclaration("add",
                        newMemberOverload("quantity_add", QUANTITY, QUANTITY, QUANTITY),
                        newMemberOverload("quantity_add_int", QUANTITY, QUANTITY, SimpleType.INT)),
                newFunctionDeclaration("sub",
                        newMemberOverload("quantity_sub", QUANTITY, QUANTITY, QUANTITY),
                        newMemberOverload("quantity_sub_int", QUANTITY, QUANTITY, SimpleType.INT)));
    }

    @Override
    public void setRuntimeOptions(CelRuntimeBuilder runtime) {
        runtime.addFunctionBindings(
                CelFunctionBinding.from("jsonpatch_escapeKey", String.class, key -> key.replace("~", "~0").replace("/", "~1")),
                CelFunctionBinding.from("list_sort_by_associated_keys", List.class, List.class, KubernetesLibrary::sortByKeys),
                CelFunctionBinding.from("string_find_string", String.class, String.class, (s, regex) -> {
                    Matcher matcher = pattern(regex).matcher(s);
                    return matcher.find() ? matcher.group() : "";
                }),
                CelFunctionBinding.from("string_findAll_string", String.class, String.class, (s, regex) -> findAll(s, regex, -1)),
                CelFunctionBinding.from("string_findAll_string_int", List.of(String.class, String.class, Long.class),
                        args -> findAll((String) args[0], (String) args[1], (Long) args[2])),
                CelFunctionBinding.from("list_isSorted", List.class, list -> {
                    for (int i = 1; i < list.size(); i++) {
                        if (compare(list.get(i - 1), list.get(i)) > 0) {
                            return false;
                        }
                    }
                    return true;
                }),
                CelFunctionBinding.from("list_sum", List.class, KubernetesLibrary::sum),
                CelFunctionBinding.from("list_min", List.class, list -> extreme(list, -1)),
                CelFunctionBinding.from("list_max", List.class, list -> extreme(list, 1)),
                CelFunctionBinding.from("list_indexOf", List.class, Object.class, (list, item) -> (long) list.indexOf(item)),
                CelFunctionBinding.from("list_lastIndexOf", List.class, Object.class, (list, item) -> (long) list.lastIndexOf(item)),
                CelFunctionBinding.from("quantity_string", String.class, KubernetesLibrary::quantity),
                CelFunctionBinding.from("isQuantity_string", String.class, Quantity::isQuantity),
                CelFunctionBinding.from("quantity_sign", Quantity.class, q -> (long) q.value().signum()),
                CelFunctionBinding.from("quantity_isInteger", Quantity.class, Quantity::isInteger),
                CelFunctionBinding.from("quantity_asInteger", Quantity.class, KubernetesLibrary::asInteger),
                CelFunctionBinding.from("quantity_asApproximateFloat", Quantity.class, q -> q.value().doubleValue()),
                CelFunctionBinding.from("quantity_compareTo", Quantity.class, Quantity.class, (a, b) -> (long) a.compareTo(b)),
                CelFunctionBinding.from("quantity_isGreaterThan", Quantity.class, Quantity.class, (a, b) -> a.compareTo(b) > 0),
                CelFunctionBinding.from("quantity_isLessThan", Quantity.class, Quantity.class, (a, b) -> a.compareTo(b) < 0),
                CelFunctionBinding.from("quantity_add", Quantity.class, Quantity.class, Quantity::add),
                CelFunctionBinding.from("quantity_add_int", Quantity.class, Long.class, (a, b) -> a.add(Quantity.of(b))),
                CelFunctionBinding.from("quantity_sub", Quantity.class, Quantity.class, (a, b) -> a.add(b.negate())),
                CelFunctionBinding.from("quantity_sub_int", Quantity.class, Long.class, (a, b) -> a.add(Quantity.of(-b))));
    }

    private static Pattern pattern(String regex) throws CelEvaluationException {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new CelEvaluationException("invalid regex '" + regex + "': " + e.getDescription());
        }
    }

    private static List<String> findAll(String s, String regex, long limit) throws CelEvaluationException {
        Matcher matcher = pattern(regex).matcher(s);
        List<String> found = new ArrayList<>();
        while ((limit < 0 || found.size() < limit) && matcher.find()) {
            found.add(matcher.group());
        }
        return found;
    }

    private static Object sum(List<?> list) throws CelEvaluationException {
        if (list.stream().allMatch(Long.class::isInstance)) {
            long total = 0;
            for (Object item : list) {
                total = Math.addExact(total, (Long) item);
            }
            return total;
        }
        double total = 0;
        for (Object item : list) {
            if (!(item instanceof Number number)) {
                throw new CelEvaluationException("sum(): not a number: " + item);
            }
            total += number.doubleValue();
        }
        return total;
    }

    private static Object extreme(List<?> list, int sign) throws CelEvaluationException {
        if (list.isEmpty()) {
            throw new CelEvaluationException((sign < 0 ? "min" : "max") + "(): the list is empty");
        }
        Object best = list.get(0);
        for (Object item : list) {
            if (compare(item, best) * sign > 0) {
                best = item;
            }
        }
        return best;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    /** The elements in the order of their keys; keys must be comparable with each other (all numbers, all strings, …). */
    private static List<Object> sortByKeys(List<?> elements, List<?> keys) throws CelEvaluationException {
        if (elements.size() != keys.size()) {
            throw new CelEvaluationException("sortBy: " + elements.size() + " elements but " + keys.size() + " keys");
        }
        Integer[] order = new Integer[elements.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
            if (i > 0) {
                compare(keys.get(0), keys.get(i)); // refuses keys that do not compare, before sorting
            }
        }
        java.util.Arrays.sort(order, (a, b) -> {
            try {
                return compare(keys.get(a), keys.get(b));
            } catch (CelEvaluationException e) {
                throw new IllegalStateException(e.getMessage());
            }
        });
        List<Object> sorted = new ArrayList<>(order.length);
        for (int index : order) {
            sorted.add(elements.get(index));
        }
        return sorted;
    }

    private static int compare(Object a, Object b) throws CelEvaluationException {
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof Comparable x && a.getClass() == b.getClass()) {
            return x.compareTo(b);
        }
        throw new CelEvaluationException("cannot compare " + a + " with " + b);
    }

    private static Quantity quantity(String text) throws CelEvaluationException {
        try {
            return Quantity.parse(text);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException("quantity(): " + e.getMessage());
        }
    }

    private static long asInteger(Quantity quantity) throws CelEvaluationException {
        try {
            return quantity.value().longValueExact();
        } catch (ArithmeticException e) {
            throw new CelEvaluationException("asInteger(): " + quantity + " is not an integer in range");
        }
    }
}
