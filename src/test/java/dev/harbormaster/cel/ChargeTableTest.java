package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The charge table worked out at compile names, for every node the interpreter reports, the charge
 * the node itself has: the planner reports the checked tree's nodes by their ids (macros, presence
 * tests, optionals and field chains too), so no evaluation falls back to working a charge out.
 */
class ChargeTableTest {

    @ParameterizedTest
    @ValueSource(strings = {
            "object.a.b.c == 1 ? 'one' : 'other'",
            "has(object.a.b) && !has(object.a.x)",
            "object.list.all(x, x > 0) && object.list.exists(x, x == 2) && object.list.exists_one(x, x == 3)",
            "object.list.map(x, x * 2).filter(x, x > 2).size() == 2",
            "object.items.map(i, i.name + '-' + string(i.n)).join(',')",
            "object.?a.?b.c.orValue(0) + object.?missing.orValue(5)",
            "{'k': object.a.b, 'l': [object.list[0], 1]}['k'].c",
            "object.items.exists(i, i.name.startsWith('x') || i.name.matches('^y'))",
            "size(object.items.filter(i, i.n > 1)) + object.list.size()"})
    void everyReportedNodeIsInTheTableWithItsOwnCharge(String expression) throws Exception {
        CelExpression compiled = new CelEnvironment().compile(expression, SimpleType.DYN);
        Object object = CelViews.of(Map.of("a", Map.of("b", Map.of("c", 1L)), "list", List.of(1L, 2L, 3L),
                "items", List.of(Map.of("name", "x1", "n", 1L), Map.of("name", "y2", "n", 2L))));
        CelVariableResolver variables = name -> name.equals(CelEnvironment.OBJECT) ? Optional.of(object) : Optional.empty();
        int[] charges = compiled.charges();
        List<String> mismatches = new ArrayList<>();
        int[] reported = {0};

        compiled.program().trace(variables, (expr, result) -> {
            reported[0]++;
            long id = expr.id();
            int charge = id < charges.length ? charges[(int) id] : Integer.MIN_VALUE;
            if (charge != Budget.chargeOf(expr)) {
                mismatches.add("node " + id + " (" + expr.getKind() + "): table " + charge + ", its own " + Budget.chargeOf(expr));
            }
        });

        assertThat(reported[0]).isPositive();
        assertThat(mismatches).isEmpty();
    }
}
