package dev.harbormaster.cel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.values.NullValue;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads JSON (or YAML, through Jackson's YAML parser) straight into the values CEL evaluates:
 * maps, lists, Long, Double, String, Boolean and CEL's null. One pass, no intermediate tree,
 * so an AdmissionReview is parsed exactly once per request.
 */
public final class CelJson {

    private static final ObjectMapper TREE = new ObjectMapper();

    private CelJson() {
    }

    /** Reads the value at the parser's next token; the parser must not be past the end. */
    public static Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken() == null ? parser.nextToken() : parser.currentToken();
        if (token == null) {
            throw new IOException("no JSON value: the input is empty");
        }
        return readValue(parser, token);
    }

    private static Object readValue(JsonParser parser, JsonToken token) throws IOException {
        return switch (token) {
            case START_OBJECT -> readObject(parser);
            case START_ARRAY -> readArray(parser);
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getLongValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> NullValue.NULL_VALUE;
            // YAML's !!binary: bytes, which Kubernetes objects carry as base64 strings.
            case VALUE_EMBEDDED_OBJECT -> parser.getEmbeddedObject() instanceof byte[] bytes
                    ? java.util.Base64.getEncoder().encodeToString(bytes)
                    : String.valueOf(parser.getEmbeddedObject());
            default -> throw new IOException("unexpected " + token + " at " + parser.currentLocation().offsetDescription());
        };
    }

    private static Map<String, Object> readObject(JsonParser parser) throws IOException {
        Map<String, Object> map = new LinkedHashMap<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_OBJECT; token = parser.nextToken()) {
            String field = parser.currentName();
            map.put(field, readValue(parser, parser.nextToken()));
        }
        return map;
    }

    private static List<Object> readArray(JsonParser parser) throws IOException {
        List<Object> list = new ArrayList<>();
        for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
            list.add(readValue(parser, token));
        }
        return list;
    }

    /** A JSON document (e.g. a Kubernetes object as fabric8 writes it) as the values CEL evaluates. */
    public static Object parse(String json) {
        try (JsonParser parser = TREE.getFactory().createParser(json)) {
            return read(parser);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }

    /** A CEL value (as read here, or produced by an expression) as a Jackson tree, e.g. to apply a JSONPatch. */
    public static JsonNode toJson(Object value) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (isNull(value)) {
            return nodes.nullNode();
        }
        if (value instanceof Map<?, ?> map) {
            ObjectNode object = nodes.objectNode();
            map.forEach((key, item) -> object.set(String.valueOf(key), toJson(item)));
            return object;
        }
        if (value instanceof Iterable<?> list) {
            ArrayNode array = nodes.arrayNode();
            list.forEach(item -> array.add(toJson(item)));
            return array;
        }
        if (value instanceof String text) {
            return nodes.textNode(text);
        }
        if (value instanceof Boolean bool) {
            return nodes.booleanNode(bool);
        }
        if (value instanceof Long || value instanceof Integer) {
            return nodes.numberNode(((Number) value).longValue());
        }
        if (value instanceof Double number) {
            return nodes.numberNode(number);
        }
        if (value instanceof com.google.common.primitives.UnsignedLong number) {
            return nodes.numberNode(number.bigIntegerValue());
        }
        throw new IllegalArgumentException("a " + value.getClass().getSimpleName() + " has no JSON form: " + value);
    }

    /** A Jackson tree as the values CEL evaluates. */
    public static Object fromJson(JsonNode node) {
        try {
            return read(TREE.treeAsTokens(node));
        } catch (IOException e) {
            throw new IllegalStateException("reading a tree in memory cannot fail", e);
        }
    }

    /** True for a JSON null as CEL holds it, and for an absent value. */
    public static boolean isNull(Object value) {
        return value == null || value == NullValue.NULL_VALUE;
    }

    /** The map under {@code key}, or null when it is absent, null or not a map. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> map(Map<String, Object> parent, String key) {
        return parent != null && parent.get(key) instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
    }

    /** The list under {@code key}, or an empty list when it is absent, null or not a list. */
    @SuppressWarnings("unchecked")
    public static List<Object> list(Map<String, Object> parent, String key) {
        return parent != null && parent.get(key) instanceof List<?> l ? (List<Object>) l : List.of();
    }

    /** The string under {@code key}, or null when it is absent or not a string. */
    public static String string(Map<String, Object> parent, String key) {
        return parent != null && parent.get(key) instanceof String s ? s : null;
    }
}
