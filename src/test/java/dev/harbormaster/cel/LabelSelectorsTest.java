package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label selectors validated and matched as apimachinery does. */
class LabelSelectorsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Map<String, Object> LABELS = Map.of("app", "web", "tier", "front", "example.com/team", "a");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{}|true",
            "{matchLabels: {app: web}}|true",
            "{matchLabels: {app: db}}|false",
            "{matchLabels: {example.com/team: a}}|true",
            "{matchExpressions: [{key: tier, operator: In, values: [front, back]}]}|true",
            "{matchExpressions: [{key: tier, operator: NotIn, values: [front]}]}|false",
            "{matchExpressions: [{key: missing, operator: NotIn, values: [x]}]}|true",
            "{matchExpressions: [{key: app, operator: Exists}]}|true",
            "{matchExpressions: [{key: app, operator: DoesNotExist}]}|false",
            "{matchLabels: {app: web}, matchExpressions: [{key: tier, operator: In, values: [back]}]}|false",
    })
    void matches(String selector, boolean expected) throws Exception {
        assertThat(LabelSelectors.matches(YAML.readValue(selector, Object.class), LABELS)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "{matchExpressions: [{key: tier, operator: In}]}|operator In for key tier needs at least one value",
            "{matchExpressions: [{key: tier, operator: NotIn, values: []}]}|operator NotIn for key tier needs at least one value",
            "{matchExpressions: [{key: tier, operator: Exists, values: [a]}]}|operator Exists for key tier takes no values",
            "{matchExpressions: [{key: tier, operator: Near, values: [a]}]}|unknown operator 'Near'",
            "{matchExpressions: [{key: 'bad key', operator: Exists}]}|'bad key' is not a label key",
            "{matchLabels: {'-app': web}}|'-app' is not a label key",
            "{matchLabels: {'Example.COM/x': a}}|'Example.COM/x' is not a label key",
            "{matchLabels: {app: 'not valid!'}}|is not a label value",
            "{matchLabels: {app: 1}}|is not a label value",
            "{matchLabel: {app: web}}|unknown label selector field 'matchLabel'",
            "{matchLabels: [app]}|matchLabels must be a map",
    })
    void refusesWhatApimachineryRefuses(String selector, String reason) throws Exception {
        Object parsed = YAML.readValue(selector, Object.class);
        assertThatThrownBy(() -> LabelSelectors.compile(parsed)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(reason);
    }
}
