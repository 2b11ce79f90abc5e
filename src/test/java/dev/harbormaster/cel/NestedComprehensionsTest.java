package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.SimpleType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The static bound at load: three comprehensions nested over the input are refused, what runs in linear or quadratic work is not. */
class NestedComprehensionsTest {

    private static final CelEnvironment CEL = new CelEnvironment();

    @ParameterizedTest
    @ValueSource(strings = {
            "object.a.all(x, object.b.all(y, object.c.all(z, x == y && y == z)))",
            "object.a.exists(x, object.b.map(y, object.c.filter(z, z == y)).size() > 0)",
            "object.a.map(x, object.b.exists(y, object.c.exists(z, z == x)))",
            "object.a.transformList(i, x, object.b.all(y, object.c.all(z, z == x)))",
            "object.a.all(x, object.b.all(y, object.c.all(z, object.d.all(w, true))))",
    })
    void threeOrMoreNestedOverTheInputAreRefused(String expression) {
        assertThatThrownBy(() -> CEL.compile(expression, SimpleType.DYN))
                .isInstanceOf(CelCompileException.class)
                .hasMessageContaining("comprehensions (all, exists, map, filter, ...) are nested over lists of the input")
                .hasMessageContaining("at most 2 may nest");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "object.a.all(x, object.b.all(y, x == y))",
            // computed once, not per element: a loop in another loop's range, start or result
            "object.a.map(x, object.b.filter(y, y == x)).all(l, l.size() > 0 && object.c.exists(w, w == l[0]))",
            "object.a.filter(x, object.b.exists(y, y == x)).all(x, object.c.exists(z, z == x))",
            // a literal list does not grow with the input; cel.bind is a loop over an empty one
            "['a', 'b'].all(k, object.b.all(y, object.c.all(z, y == z || z == k)))",
            "cel.bind(xs, object.a, cel.bind(ys, object.b, cel.bind(zs, object.c, xs.all(x, ys.all(y, x == y)) && zs.size() > 0)))",
    })
    void linearAndQuadraticWorkLoads(String expression) {
        assertThatCode(() -> CEL.compile(expression, SimpleType.DYN)).doesNotThrowAnyException();
    }

    @org.junit.jupiter.api.Test
    void theResultOfALoopIsNotWorkPerElement() throws Exception {
        // map's result is computed once, after the loop: two levels, not three
        assertThat(CEL.compile("object.a.map(x, object.b.map(y, x + y)).size() > 0", SimpleType.DYN)).isNotNull();
    }
}
