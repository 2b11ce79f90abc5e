package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cel.common.types.SimpleType;
import dev.cel.common.values.CelValue;
import dev.cel.common.values.NullValue;
import dev.cel.runtime.CelVariableResolver;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The views the planner reads the request through: the same values, and the same answers, as the plain JSON. */
class CelViewsTest {

    private static Map<String, Object> deployment() {
        List<Object> containers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Map<String, Object> container = new LinkedHashMap<>();
            container.put("name", "c" + i);
            container.put("image", i == 2 ? "nginx:latest" : "nginx:1.2");
            if (i < 2) {
                container.put("livenessProbe", new LinkedHashMap<>(Map.of("periodSeconds", 10L + i)));
            }
            container.put("ports", new ArrayList<>(List.of(new LinkedHashMap<>(Map.of("containerPort", 8080L + i)))));
            containers.add(container);
        }
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("name", "web");
        metadata.put("labels", new LinkedHashMap<>(Map.of("app", "web")));
        metadata.put("annotations", NullValue.NULL_VALUE);
        Map<String, Object> podSpec = new LinkedHashMap<>(Map.of("containers", containers));
        Map<String, Object> spec = new LinkedHashMap<>(Map.of("replicas", 3L, "template", new LinkedHashMap<>(Map.of("spec", podSpec))));
        return new LinkedHashMap<>(Map.of("kind", "Deployment", "metadata", metadata, "spec", spec));
    }

    @Test
    void aViewEqualsThePlainValueBothWaysAndHandsOutViews() {
        Map<String, Object> plain = deployment();
        Object view = CelViews.of(plain);

        assertThat(view).isInstanceOf(CelValue.class).isInstanceOf(Map.class);
        assertThat(view).isEqualTo(plain);
        assertThat(plain).isEqualTo(view);
        assertThat(view.hashCode()).isEqualTo(plain.hashCode());
        Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) view).get("spec")).get("template")).get("spec");
        Object containers = spec.get("containers");
        assertThat(containers).isInstanceOf(CelValue.class).isInstanceOf(List.class);
        for (Object container : (List<?>) containers) {
            assertThat(container).isInstanceOf(CelValue.class);
        }
        assertThat(((List<?>) containers).get(0)).isInstanceOf(CelValue.class).isEqualTo(
                ((List<?>) ((Map<?, ?>) ((Map<?, ?>) ((Map<?, ?>) plain.get("spec")).get("template")).get("spec")).get("containers")).get(0));
        // Iterated, the maps and lists inside are views too (kind, a string, is not a map).
        assertThat(((Map<?, ?>) view).entrySet()).allSatisfy(entry ->
                assertThat(entry.getValue() instanceof CelValue).isEqualTo(!entry.getKey().equals("kind")));
        assertThat(((Map<?, ?>) view).values()).filteredOn(value -> value instanceof Map).hasSize(2).allSatisfy(value -> assertThat(value).isInstanceOf(CelValue.class));
        // Scalars and CEL's null pass through as they are.
        assertThat(((Map<?, ?>) ((Map<?, ?>) view).get("metadata")).get("name")).isSameAs(((Map<?, ?>) plain.get("metadata")).get("name"));
        assertThat(((Map<?, ?>) ((Map<?, ?>) view).get("metadata")).get("annotations")).isSameAs(NullValue.NULL_VALUE);
    }

    @Test
    void aViewIsReadOnly() {
        @SuppressWarnings("unchecked")
        Map<Object, Object> view = (Map<Object, Object>) CelViews.of(deployment());
        @SuppressWarnings("unchecked")
        List<Object> list = (List<Object>) CelViews.of(new ArrayList<>(List.of(1L, 2L)));
        assertThatThrownBy(() -> view.put("spec", 1L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> view.remove("spec")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.add(3L)).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> list.set(0, 3L)).isInstanceOf(UnsupportedOperationException.class);
        assertThat(list).containsExactly(1L, 2L);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "object.spec.template.spec.containers.map(c, c.name)",
            "object.spec.template.spec.containers.all(c, c.image.endsWith(':latest'))",
            "object.spec.template.spec.containers.exists(c, c.image.endsWith(':latest'))",
            "object.spec.template.spec.containers.filter(c, has(c.livenessProbe) && c.livenessProbe.periodSeconds > 10).size()",
            "object.spec.template.spec.containers.map(c, c.?livenessProbe.periodSeconds.orValue(0))",
            "object.spec.template.spec.containers.map(c, c.ports.map(p, p.containerPort)).flatten()",
            "object.spec.template.spec.containers[2]",
            "object.spec.template.spec.containers[0].ports",
            "object.metadata",
            "object.metadata.labels['app'] == 'web' && object.spec.replicas >= 2",
            "'app' in object.metadata.labels",
            "object.metadata.annotations == null",
            "object.metadata.labels.all(k, v, k == v)",
            "object == object",
            "object.spec.template.spec.containers == object.spec.template.spec.containers",
            "size(object.spec.template.spec.containers[0])",
            "object.metadata.missing",
            "object.spec.template.spec.containers[5]",
            "object.spec.template.spec.containers[2].livenessProbe.periodSeconds",
            "workload.allContainers(object).map(c, c.name)",
            "object.metadata.labels.app + 1"})
    void anExpressionGivesTheSameAnswerOverAViewAsOverThePlainJson(String expression) throws Exception {
        CelExpression compiled = new CelEnvironment().compile(expression, SimpleType.DYN);
        Map<String, Object> plain = deployment();
        Object view = CelViews.of(deployment());
        CelVariableResolver overPlain = name -> name.equals(CelEnvironment.OBJECT) ? Optional.of(plain) : Optional.empty();
        CelVariableResolver overView = name -> name.equals(CelEnvironment.OBJECT) ? Optional.of(view) : Optional.empty();

        CelResult fromPlain = compiled.eval(overPlain, Budget.start(EvaluationLimits.DEFAULT));
        CelResult fromView = compiled.eval(overView, Budget.start(EvaluationLimits.DEFAULT));

        assertThat(fromView).isEqualTo(fromPlain);
    }
}
