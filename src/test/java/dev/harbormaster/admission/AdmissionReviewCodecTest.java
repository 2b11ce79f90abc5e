package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every field the codec reads, missing or of each wrong JSON type: a BadAdmissionRequest naming it, nothing else. */
class AdmissionReviewCodecTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Field path, whether it is required, and the JSON types it may have. */
    static Stream<Arguments> fields() {
        return Stream.of(
                Arguments.of("request.uid", true, "string"),
                Arguments.of("request.operation", true, "string"),
                Arguments.of("request.kind", true, "object"),
                Arguments.of("request.kind.kind", true, "string"),
                Arguments.of("request.kind.group", false, "string"),
                Arguments.of("request.kind.version", false, "string"),
                Arguments.of("request.resource", true, "object"),
                Arguments.of("request.resource.resource", true, "string"),
                Arguments.of("request.resource.group", false, "string"),
                Arguments.of("request.resource.version", false, "string"),
                Arguments.of("request.subResource", false, "string"),
                Arguments.of("request.namespace", false, "string"),
                Arguments.of("request.name", false, "string"),
                Arguments.of("request.dryRun", false, "boolean"),
                Arguments.of("request.object", false, "object"),
                Arguments.of("request.oldObject", false, "object"));
    }

    static Stream<Arguments> wrongValues() {
        List<Arguments> cases = new ArrayList<>();
        fields().forEach(field -> {
            String path = (String) field.get()[0];
            boolean required = (Boolean) field.get()[1];
            String type = (String) field.get()[2];
            if (required) {
                cases.add(Arguments.of(path, null));
                cases.add(Arguments.of(path, NODES.nullNode()));
            }
            for (JsonNode value : List.of(NODES.textNode("x"), NODES.numberNode(7), NODES.booleanNode(true),
                    NODES.arrayNode().add(1), NODES.objectNode().put("a", 1))) {
                if (!value.getNodeType().name().equalsIgnoreCase(type)) {
                    cases.add(Arguments.of(path, value));
                }
            }
        });
        return cases.stream();
    }

    @ParameterizedTest(name = "{0} = {1}")
    @MethodSource("wrongValues")
    void aMissingOrMistypedFieldIsABadRequestNamingIt(String path, JsonNode value) throws Exception {
        ObjectNode review = (ObjectNode) MAPPER.readTree(Fixtures.review("deployment-update-image-to-latest"));
        String[] parts = path.split("\\.");
        ObjectNode parent = review;
        for (int i = 0; i < parts.length - 1; i++) {
            parent = (ObjectNode) parent.get(parts[i]);
        }
        if (value == null) {
            parent.remove(parts[parts.length - 1]);
        } else {
            parent.set(parts[parts.length - 1], value);
        }
        byte[] body = MAPPER.writeValueAsBytes(review);

        assertThatThrownBy(() -> AdmissionReviewCodec.decode(body))
                .isInstanceOf(BadAdmissionRequest.class)
                .hasMessageStartingWith(path + " ")
                .hasMessageNotContaining("\n");
    }

    @org.junit.jupiter.api.Test
    void theUnchangedRequestDecodes() {
        assertThat(AdmissionReviewCodec.decode(Fixtures.review("deployment-update-image-to-latest")).uid()).isNotBlank();
    }

    /** Limits Jackson enforces, told in the caller's terms: what and where, no Jackson setting or class names. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {"nesting", "number", "string", "control", "bigint"})
    void jacksonLimitsAreToldWithoutJacksonInternals(String limit) {
        String body = switch (limit) {
            case "nesting" -> "{\"a\":".repeat(300) + "1" + "}".repeat(300);
            case "number" -> "{\"apiVersion\": " + "9".repeat(5000) + "}";
            case "string" -> "{\"apiVersion\": \"" + "x".repeat(21_000_000) + "\"}";
            case "control" -> "{\"apiVersion\": \"a\u0000b\"}";
            default -> "{\"apiVersion\": " + "9".repeat(30) + "}";
        };
        assertThatThrownBy(() -> AdmissionReviewCodec.decode(body.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isInstanceOf(BadAdmissionRequest.class)
                .hasMessageStartingWith("malformed JSON")
                .satisfies(e -> assertThat(e.getMessage())
                        .doesNotContain("StreamReadConstraints", "StreamReadFeature", "INCLUDE_SOURCE", "`", "com.fasterxml", "\n")
                        .hasSizeLessThanOrEqualTo(Reasons.MAX_LENGTH));
    }

    /** The objects are skipped in the decode pass and decoded on demand into exactly what a whole parse makes. */
    @Test
    void theObjectsDecodedOnDemandAreTheObjectsOfTheBody() throws Exception {
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(Fixtures.ADMISSION_REVIEWS)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                byte[] body = java.nio.file.Files.readAllBytes(file);
                @SuppressWarnings("unchecked")
                Map<String, Object> request = (Map<String, Object>) ((Map<String, Object>) dev.harbormaster.cel.CelJson.parse(
                        new String(body, java.nio.charset.StandardCharsets.UTF_8))).get("request");
                dev.harbormaster.engine.AdmissionInput input = AdmissionReviewCodec.withObjectsDecoded(AdmissionReviewCodec.decode(body));
                for (String field : List.of("object", "oldObject")) {
                    Object expected = dev.harbormaster.cel.CelJson.isNull(request.get(field)) ? null : request.get(field);
                    Object actual = field.equals("object") ? input.object() : input.oldObject();
                    assertThat(actual).as(file.getFileName() + " " + field).isEqualTo(expected);
                    if (actual != null) {
                        assertThat(actual).as(file.getFileName() + " " + field).isExactlyInstanceOf(java.util.LinkedHashMap.class);
                    }
                }
                assertThat(input.request()).as(file.getFileName().toString()).doesNotContainKeys("object", "oldObject");
            }
        }
    }

    /**
     * What only decoding finds in an object (here an integer beyond 64 bits) refuses the request when a
     * policy reads the object, and is never looked at when none does.
     */
    @Test
    void anObjectThatDoesNotDecodeIsRefusedWhenAPolicyReadsIt() throws Exception {
        com.fasterxml.jackson.databind.node.ObjectNode review = (com.fasterxml.jackson.databind.node.ObjectNode)
                MAPPER.readTree(Fixtures.review("deployment-create-compliant"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) review.at("/request/object/spec"))
                .put("replicas", new java.math.BigInteger("9".repeat(30)));
        byte[] deployment = MAPPER.writeValueAsBytes(review);
        dev.harbormaster.engine.AdmissionInput input = AdmissionReviewCodec.decode(deployment);
        assertThatThrownBy(() -> AdmissionReviewCodec.withObjectsDecoded(input)).isInstanceOf(BadAdmissionRequest.class)
                .hasMessageStartingWith("malformed JSON in request.object: ")
                .satisfies(e -> assertThat(e.getMessage()).contains("out of range").doesNotContain("com.fasterxml", "`", "\n"));
        InProcessDoors doors = new InProcessDoors();
        for (String door : List.of("validate", "mutate")) {
            DoorAnswer answer = doors.answer(door, deployment);
            assertThat(answer.status()).as(door).isEqualTo(400);
            assertThat(answer.text()).as(door).startsWith("malformed JSON in request.object: ");
        }
        com.fasterxml.jackson.databind.node.ObjectNode request = (com.fasterxml.jackson.databind.node.ObjectNode) review.get("request");
        request.putObject("kind").put("group", "").put("version", "v1").put("kind", "ConfigMap");
        request.putObject("resource").put("group", "").put("version", "v1").put("resource", "configmaps");
        DoorAnswer configMap = doors.answer("validate", MAPPER.writeValueAsBytes(review));
        assertThat(configMap.status()).isEqualTo(200);
        assertThat(configMap.text()).contains("\"allowed\":true");
    }

    /**
     * With the hint, each captured body's objects are decoded in the decode pass itself into what the
     * pass without it decodes on demand, and the hint is asked of a request whose attributes are already
     * the whole request's: kube-apiserver sends them before the objects.
     */
    @Test
    void objectsDecodedInThePassAreTheObjectsDecodedOnDemand() throws Exception {
        try (Stream<java.nio.file.Path> files = java.nio.file.Files.list(Fixtures.ADMISSION_REVIEWS)) {
            for (java.nio.file.Path file : files.filter(f -> f.toString().endsWith(".json")).sorted().toList()) {
                byte[] body = java.nio.file.Files.readAllBytes(file);
                dev.harbormaster.engine.AdmissionInput onDemand = AdmissionReviewCodec.withObjectsDecoded(AdmissionReviewCodec.decode(body));
                List<dev.harbormaster.engine.AdmissionInput> heads = new ArrayList<>();
                dev.harbormaster.engine.AdmissionInput inPass = AdmissionReviewCodec.decode(body, head -> heads.add(head));
                String name = file.getFileName().toString();
                assertThat(heads).as(name).hasSize((onDemand.object() == null ? 0 : 1) + (onDemand.oldObject() == null ? 0 : 1));
                for (dev.harbormaster.engine.AdmissionInput head : heads) {
                    assertThat(List.of(head.uid(), head.operation(), head.kind(), head.resource(), head.subResource(), head.namespace(), head.name()))
                            .as(name).isEqualTo(List.of(inPass.uid(), inPass.operation(), inPass.kind(), inPass.resource(), inPass.subResource(),
                                    inPass.namespace(), inPass.name()));
                }
                assertThat(inPass).as(name).isEqualTo(onDemand);
                for (Map<String, Object> object : java.util.Arrays.asList(inPass.object(), inPass.oldObject())) {
                    if (object != null) {
                        assertThat(object).as(name).isExactlyInstanceOf(java.util.LinkedHashMap.class);
                    }
                }
            }
        }
    }

    /** An object that does not decode is refused as without the hint: when read, and only in its own terms. */
    @Test
    void anObjectThatDoesNotDecodeInThePassIsRefusedAsWithoutTheHint() throws Exception {
        ObjectNode review = (ObjectNode) MAPPER.readTree(Fixtures.review("deployment-create-compliant"));
        ((ObjectNode) review.at("/request/object/spec")).put("replicas", new java.math.BigInteger("9".repeat(30)));
        byte[] bigInteger = MAPPER.writeValueAsBytes(review);
        dev.harbormaster.engine.AdmissionInput input = AdmissionReviewCodec.decode(bigInteger, head -> true);
        assertThatThrownBy(() -> AdmissionReviewCodec.withObjectsDecoded(input)).isInstanceOf(BadAdmissionRequest.class)
                .hasMessageStartingWith("malformed JSON in request.object: ");

        String compliant = new String(Fixtures.review("deployment-create-compliant"), java.nio.charset.StandardCharsets.UTF_8);
        byte[] broken = compliant.replaceFirst("\"replicas\":", "\"replicas\":\"x\" 1,").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(broken).isNotEqualTo(Fixtures.review("deployment-create-compliant"));
        String withoutHint = org.assertj.core.api.Assertions.catchThrowableOfType(() -> AdmissionReviewCodec.decode(broken),
                BadAdmissionRequest.class).getMessage();
        assertThatThrownBy(() -> AdmissionReviewCodec.decode(broken, head -> true)).isInstanceOf(BadAdmissionRequest.class)
                .hasMessage(withoutHint).hasMessageStartingWith("malformed JSON at line ");
    }
}
