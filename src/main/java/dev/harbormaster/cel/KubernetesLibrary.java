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

    @Override
    public void setCheckerOptions(CelCheckerBuilder checker) {
        checker.addFunctionDeclarations(
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
