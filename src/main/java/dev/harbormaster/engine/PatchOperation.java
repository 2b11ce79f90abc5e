package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.cel.CelJson;
import java.util.Map;
import java.util.Set;

/**
 * One JSONPatch operation (RFC 6902) as a mutation returned it, checked: a known op, a JSON
 * pointer path off {@code status}, a value where the op needs one, a from where it moves or copies.
 */
record PatchOperation(String op, String path, JsonNode value, String from) {

    private static final Set<String> OPS = Set.of("add", "remove", "replace", "move", "copy", "test");

    /** The operation an expression returned, or why it is not one (a message for the policy's failure). */
    static Object parse(Object item) {
        if (!(item instanceof Map<?, ?> map)) {
            return "returned " + CelJson.toJson(item) + ", not a JSONPatch operation (a map with op and path)";
        }
        Object op = map.get("op");
        Object path = map.get("path");
        if (!(op instanceof String name) || !OPS.contains(name)) {
            return "returned op " + CelJson.toJson(op) + ", not one of add, remove, replace, move, copy, test";
        }
        if (!(path instanceof String pointer) || !(pointer.isEmpty() || pointer.startsWith("/"))) {
            return "returned path " + CelJson.toJson(path) + ", not a JSON pointer such as /metadata/labels";
        }
        if (pointer.equals("/status") || pointer.startsWith("/status/")) {
            return "may not change status (" + pointer + ")";
        }
        boolean needsValue = name.equals("add") || name.equals("replace") || name.equals("test");
        if (needsValue && !map.containsKey("value")) {
            return "returned a " + name + " of " + pointer + " without a value";
        }
        Object from = map.get("from");
        boolean needsFrom = name.equals("move") || name.equals("copy");
        if (needsFrom && !(from instanceof String source && source.startsWith("/"))) {
            return "returned a " + name + " to " + pointer + " without a from pointer";
        }
        return new PatchOperation(name, pointer, needsValue ? CelJson.toJson(map.get("value")) : null, needsFrom ? (String) from : null);
    }

    JsonNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode().put("op", op).put("path", path);
        if (value != null) {
            node.set("value", value);
        }
        if (from != null) {
            node.put("from", from);
        }
        return node;
    }
}
