package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelVariableResolver;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A field read costs one per step, however the evaluator groups the steps: cel-java's planner reports
 * {@code object.a.b} as one node, and the budget charges it as the name and its two fields.
 */
class FieldReadCostTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // name, field, field, field; the constant; ==
            "object.a.b.c == 1              | 6",
            "object.a                       | 2",
            // a presence test: the planner reports it as two nodes, 1 each (the legacy interpreter charged 3)
            "has(object.a.b)                | 2",
            // the name and field inside the literal, the literal, the index constant, the index, the field of its result
            "[object.a][0].b                | 6",
            "object                         | 1"})
    void aChainOfFieldReadsCostsOnePerStep(String expression, long cost) throws Exception {
        CelExpression compiled = new CelEnvironment().compile(expression, SimpleType.DYN);
        Object object = CelViews.of(Map.of("a", Map.of("b", Map.of("c", 1L)), "list", List.of()));
        CelVariableResolver variables = name -> name.equals(CelEnvironment.OBJECT) ? Optional.of(object) : Optional.empty();
        Budget budget = Budget.start(EvaluationLimits.DEFAULT);

        CelResult result = compiled.eval(variables, budget);

        assertThat(result).isInstanceOf(CelResult.Value.class);
        assertThat(budget.spent()).isEqualTo(cost);
    }
}
