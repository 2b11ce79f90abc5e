package dev.harbormaster.cel;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
