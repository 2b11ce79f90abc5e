package dev.harbormaster.chart;

import static dev.harbormaster.chart.RenderedChart.FULLNAME;
import static dev.harbormaster.chart.RenderedChart.render;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harbormaster.policy.MutatingPolicySpec;
import dev.harbormaster.policy.PolicyExceptionSpec;
import dev.harbormaster.policy.PolicySpec;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The chart's CRDs for policies and exceptions: their schemas agree with the loader, field for field; RBAC and webhook for them. */
class ChartCrdTest {

    /** The chart's crds/ file: Helm installs it as it is (crds/ is never templated), so the file is what is applied. */
    static JsonNode crd(String plural) {
        try {
            JsonNode crd = RenderedChart.YAML.readTree(RenderedChart.CHART.resolve("crds/harbormaster.dev_" + plural + ".yaml").toFile());
            assertThat(crd.at("/metadata/name").asText()).isEqualTo(plural + ".harbormaster.dev");
            return crd;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static JsonNode version(JsonNode crd) {
        assertThat(crd.at("/spec/versions")).hasSize(1);
        return crd.at("/spec/versions/0");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "validatingpolicies, ValidatingPolicy, Cluster, dev.harbormaster.policy.PolicySpec",
            "mutatingpolicies, MutatingPolicy, Cluster, dev.harbormaster.policy.MutatingPolicySpec",
            "policyexceptions, PolicyException, Namespaced, dev.harbormaster.policy.PolicyExceptionSpec"})
    void everyFieldTheLoaderReadsIsInTheSchemaAndNoOther(String plural, String kind, String scope, String spec) throws Exception {
        JsonNode crd = crd(plural);
        assertThat(crd.at("/spec/group").asText()).isEqualTo("harbormaster.dev");
        assertThat(crd.at("/spec/names/kind").asText()).isEqualTo(kind);
        assertThat(crd.at("/spec/scope").asText()).isEqualTo(scope);
        JsonNode version = version(crd);
        assertThat(version.path("name").asText()).isEqualTo("v1alpha1");
        assertThat(version.at("/subresources/status").isObject()).isTrue();
        JsonNode schema = version.at("/schema/openAPIV3Schema/properties/spec");

        Map<String, List<String>> loader = new TreeMap<>();
        readBy(Class.forName(spec), "spec", loader);
        Map<String, JsonNode> inSchema = new TreeMap<>();
        schemaFields(schema, "spec", inSchema);
        // What the loader takes as a tree (a selector, params, int-or-string) is one field on its side;
        // the schema may spell out its inside.
        inSchema.keySet().removeIf(field -> loader.entrySet().stream()
                .anyMatch(e -> e.getValue() == null && field.startsWith(e.getKey() + ".") || field.startsWith(e.getKey() + "[]") && e.getValue() == null));
        assertThat(inSchema.keySet()).containsExactlyElementsOf(loader.keySet());

        // And where the loader takes one of a few values, the schema allows those.
        loader.forEach((field, values) -> {
            if (values != null && !values.isEmpty()) {
                JsonNode node = inSchema.get(field);
                JsonNode allowed = node.has("items") ? node.at("/items/enum") : node.path("enum");
                List<String> listed = new ArrayList<>();
                allowed.forEach(v -> listed.add(v.asText()));
                assertThat(listed).as(field).containsExactlyInAnyOrderElementsOf(values);
            }
        });
    }

    /** Record components, recursively: field path → the enum's values, an empty list for a plain value, null for a tree. */
    static void readBy(Class<?> type, String prefix, Map<String, List<String>> fields) {
        for (RecordComponent component : type.getRecordComponents()) {
            String field = prefix + "." + component.getName();
            Type generic = component.getGenericType();
            Class<?> element = component.getType();
            String path = field;
            if (generic instanceof ParameterizedType list && List.class.equals(component.getType())) {
                Type argument = list.getActualTypeArguments()[0];
                element = (Class<?>) argument;
                path = field + "[]";
            }
            if (element.isRecord()) {
                fields.put(field, List.of());
                readBy(element, path, fields);
            } else if (JsonNode.class.equals(element)) {
                fields.put(field, null);
            } else if (element.isEnum()) {
                fields.put(field, Arrays.stream(element.getEnumConstants()).map(Object::toString).toList());
            } else {
                fields.put(field, List.of());
            }
        }
    }

    static void schemaFields(JsonNode node, String prefix, Map<String, JsonNode> fields) {
        node.path("properties").fields().forEachRemaining(entry -> {
            String field = prefix + "." + entry.getKey();
            JsonNode value = entry.getValue();
            fields.put(field, value);
            schemaFields(value, field, fields);
            if (value.has("items")) {
                schemaFields(value.path("items"), field + "[]", fields);
            }
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"validatingpolicies", "mutatingpolicies", "policyexceptions"})
    void theSchemasAreStructural(String plural) {
        List<String> untyped = new ArrayList<>();
        untyped(version(crd(plural)).at("/schema/openAPIV3Schema"), "", untyped);
        assertThat(untyped).isEmpty();
    }

    /** Every schema node has a type, but for those Kubernetes lets go without (int-or-string, preserved trees). */
    static void untyped(JsonNode schema, String at, List<String> untyped) {
        if (!schema.has("type") && !schema.path("x-kubernetes-int-or-string").asBoolean()
                && !schema.path("x-kubernetes-preserve-unknown-fields").asBoolean()) {
            untyped.add(at.isEmpty() ? "(root)" : at);
        }
        schema.path("properties").fields().forEachRemaining(e -> untyped(e.getValue(), at + "." + e.getKey(), untyped));
        if (schema.has("items")) {
            untyped(schema.path("items"), at + "[]", untyped);
        }
        if (schema.path("additionalProperties").isObject()) {
            untyped(schema.path("additionalProperties"), at + "{}", untyped);
        }
    }

    @Test
    void kubectlGetShowsActionsReadyMessageAndAge() {
        assertThat(columns("validatingpolicies")).containsExactly(
                "Actions .spec.validationActions",
                "Ready .status.conditions[?(@.type==\"Ready\")].status",
                "Message .status.conditions[?(@.type==\"Ready\")].message",
                "Age .metadata.creationTimestamp");
        assertThat(columns("mutatingpolicies")).containsExactly(
                "Reinvocation .spec.reinvocationPolicy",
                "Ready .status.conditions[?(@.type==\"Ready\")].status",
                "Message .status.conditions[?(@.type==\"Ready\")].message",
                "Age .metadata.creationTimestamp");
        assertThat(columns("policyexceptions")).containsExactly(
                "Policies .spec.policies[*].name",
                "Expires .spec.expiresAt",
                "Ready .status.conditions[?(@.type==\"Ready\")].status",
                "Message .status.conditions[?(@.type==\"Ready\")].message",
                "Age .metadata.creationTimestamp");
        // The status the server writes is in the schema, with what kubectl wait --for=condition=Ready reads.
        JsonNode status = version(crd("validatingpolicies")).at("/schema/openAPIV3Schema/properties/status/properties");
        assertThat(new TreeSet<>(names(status))).containsExactly("conditions", "observedGeneration");
        assertThat(new TreeSet<>(names(status.at("/conditions/items/properties"))))
                .containsExactly("lastTransitionTime", "message", "observedGeneration", "reason", "status", "type");
    }

    @Test
    void anExceptionNeedsAReasonAndAPolicyAndEndsOnADateTime() {
        JsonNode spec = version(crd("policyexceptions")).at("/schema/openAPIV3Schema/properties/spec");
        assertThat(ChartTest.texts(spec.path("required"))).containsExactlyInAnyOrder("reason", "policies");
        assertThat(spec.at("/properties/reason/minLength").asInt()).isEqualTo(1);
        assertThat(spec.at("/properties/expiresAt/format").asText()).isEqualTo("date-time");
        assertThat(spec.at("/properties/policies/minItems").asInt()).isEqualTo(1);
        assertThat(spec.at("/properties/policies/items/properties/validations/items/x-kubernetes-int-or-string").asBoolean()).isTrue();
    }

    private static List<String> columns(String plural) {
        List<String> columns = new ArrayList<>();
        version(crd(plural)).path("additionalPrinterColumns")
                .forEach(c -> columns.add(c.path("name").asText() + " " + c.path("jsonPath").asText()));
        return columns;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void theServerReadsPoliciesAndWritesOnlyTheirStatus() {
        List<String> rules = ChartTest.clusterRoleRules(render(Map.of()));
        assertThat(rules.stream().filter(r -> r.startsWith("harbormaster.dev/"))).containsExactlyInAnyOrder(
                "harbormaster.dev/validatingpolicies,mutatingpolicies,policyexceptions get,list,watch",
                "harbormaster.dev/validatingpolicies/status,mutatingpolicies/status,policyexceptions/status update");
    }

    @Test
    void exceptionAuthorsGetARoleToBindPerNamespace() {
        RenderedChart chart = render(Map.of());
        JsonNode role = chart.named("ClusterRole", FULLNAME + "-exception-author");
        List<String> rules = new ArrayList<>();
        role.path("rules").forEach(rule -> rules.add(String.join(",", ChartTest.texts(rule.path("apiGroups"))) + "/"
                + String.join(",", ChartTest.texts(rule.path("resources"))) + " " + String.join(",", ChartTest.texts(rule.path("verbs")))));
        assertThat(rules).containsExactlyInAnyOrder(
                "harbormaster.dev/policyexceptions get,list,watch,create,update,patch,delete",
                "harbormaster.dev/validatingpolicies,mutatingpolicies get,list,watch");
        assertThat(role.at("/metadata/labels").toString()).doesNotContain("aggregate-to");
        // Granted to nobody by the chart: a namespace's RoleBinding decides who.
        assertThat(chart.all("ClusterRoleBinding")).allMatch(b -> b.at("/roleRef/name").asText().equals(FULLNAME));
    }

    @Test
    void ownResourcesAreValidatedOnApplyAndRefusedWhenTheServerCannotAnswer() {
        RenderedChart chart = render(Map.of());
        JsonNode configuration = chart.one("ValidatingWebhookConfiguration");
        JsonNode webhook = configuration.at("/webhooks/1");
        assertThat(webhook.path("name").asText()).isEqualTo("resources.validate.harbormaster.dev");
        assertThat(webhook.at("/clientConfig/service/path").asText()).isEqualTo("/validate");
        assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Fail");
        assertThat(webhook.path("matchConditions")).isEqualTo(configuration.at("/webhooks/0/matchConditions"));
        List<String> rules = new ArrayList<>();
        webhook.path("rules").forEach(rule -> rules.add(String.join(",", ChartTest.texts(rule.path("apiGroups"))) + "/"
                + String.join(",", ChartTest.texts(rule.path("apiVersions"))) + "/" + String.join(",", ChartTest.texts(rule.path("resources")))
                + " " + String.join(",", ChartTest.texts(rule.path("operations")))));
        assertThat(rules).containsExactly("harbormaster.dev/v1alpha1/validatingpolicies,mutatingpolicies,policyexceptions CREATE,UPDATE");
        // The server's own webhook keeps the chart's choice, and that one can be changed.
        assertThat(configuration.at("/webhooks/0/failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(render(Map.of("webhook.resourcesFailurePolicy", "Ignore")).one("ValidatingWebhookConfiguration")
                .at("/webhooks/1/failurePolicy").asText()).isEqualTo("Ignore");
    }
}
