package dev.harbormaster.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware mutation of a JSON document: picks nodes of the tree and drops them, nulls them,
 * changes their type, nests them deeply, makes them huge or fills them with awkward unicode; and,
 * less often, damages the bytes (truncation, a flipped byte). Deterministic for a seed, so jqwik's
 * reported seed reproduces a failure.
 */
final class Mutator {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String[] AWKWARD = {
        "", " ", "\u0000", "\uD800", "\uDFFF", "\u202E", "\uFEFF", "😀", "\u00e9\u0301", "\\", "\"", "null", "true", "-0", "1e999",
        "9223372036854775808", "../../etc/passwd", "%s%n", "${jndi:x}", "\r\n", "CREATE", "Deployment", "apps", "v1", "*", "/metadata",
    };

    private final Random random;

    Mutator(long seed) {
        this.random = new Random(seed);
    }

    byte[] mutate(byte[] seed, int rounds) {
        try {
            JsonNode root = JSON.readTree(seed);
            for (int i = 0; i < rounds; i++) {
                root = mutateTree(root);
            }
            byte[] bytes = JSON.writeValueAsBytes(root);
            return random.nextInt(12) == 0 ? damageBytes(bytes) : bytes;
        } catch (java.io.IOException e) {
            return damageBytes(seed);
        }
    }

    JsonNode mutateTree(JsonNode root) {
        if (root == null) {
            root = NODES.nullNode();
        }
        List<Slot> slots = new ArrayList<>();
        collect(root, null, null, -1, slots, 0);
        Slot slot = slots.get(random.nextInt(slots.size()));
        if (slot.parent == null) {
            JsonNode replaced = replacement(root);
            return replaced == null ? NODES.objectNode() : replaced;
        }
        JsonNode value = replacement(slot.node);
        if (slot.parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(slot.field);
            } else {
                object.set(slot.field, value);
            }
        } else if (slot.parent instanceof ArrayNode array) {
            if (value == null) {
                array.remove(slot.index);
            } else {
                array.set(slot.index, value);
            }
        }
        return root;
    }

    /** A node of the tree and where it hangs. */
    private record Slot(JsonNode node, JsonNode parent, String field, int index) {
    }

    private void collect(JsonNode node, JsonNode parent, String field, int index, List<Slot> slots, int depth) {
        slots.add(new Slot(node, parent, field, index));
        if (depth > 40) {
            return;
        }
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(name -> collect(node.get(name), node, name, -1, slots, depth + 1));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collect(node.get(i), node, null, i, slots, depth + 1);
            }
        }
    }

    /** What a node becomes; null to drop it. */
    private JsonNode replacement(JsonNode node) {
        return switch (random.nextInt(14)) {
            case 0, 1 -> null;
            case 2 -> NODES.nullNode();
            case 3 -> NODES.textNode(AWKWARD[random.nextInt(AWKWARD.length)]);
            case 4 -> NODES.numberNode(random.nextBoolean() ? random.nextLong() : random.nextDouble() * 1e300);
            case 5 -> NODES.booleanNode(random.nextBoolean());
            case 6 -> NODES.arrayNode().add(node == null ? NODES.nullNode() : node.deepCopy());
            case 7 -> NODES.objectNode().set(AWKWARD[random.nextInt(AWKWARD.length)], node == null ? NODES.nullNode() : node.deepCopy());
            case 8 -> nest(node, 50 + random.nextInt(300));
            case 9 -> NODES.textNode(huge());
            case 10 -> NODES.textNode(unicode(1 + random.nextInt(64)));
            case 11 -> node != null && node.isTextual() ? NODES.textNode(node.asText() + AWKWARD[random.nextInt(AWKWARD.length)]) : NODES.objectNode();
            case 12 -> wide(node);
            default -> node != null && node.isContainerNode() && node.size() > 0 ? NODES.arrayNode() : NODES.numberNode(-1);
        };
    }

    private JsonNode nest(JsonNode node, int depth) {
        JsonNode nested = node == null ? NODES.nullNode() : node.deepCopy();
        for (int i = 0; i < depth; i++) {
            nested = random.nextBoolean() ? NODES.arrayNode().add(nested) : NODES.objectNode().set("n", nested);
        }
        return nested;
    }

    private JsonNode wide(JsonNode node) {
        ArrayNode array = NODES.arrayNode();
        int copies = 100 + random.nextInt(2000);
        for (int i = 0; i < copies; i++) {
            array.add(node == null ? NODES.numberNode(i) : node.deepCopy());
            if (node != null && node.toString().length() * copies > 2_000_000) {
                break;
            }
        }
        return array;
    }

    private String huge() {
        return String.valueOf((char) ('a' + random.nextInt(26))).repeat(10_000 + random.nextInt(200_000));
    }

    private String unicode(int length) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(random.nextInt(4) == 0 ? random.nextInt(0x20) : random.nextInt(0x10FFFF));
        }
        return text.toString();
    }

    private byte[] damageBytes(byte[] bytes) {
        if (bytes.length == 0) {
            return new byte[] {(byte) random.nextInt(256)};
        }
        byte[] damaged = random.nextBoolean() ? java.util.Arrays.copyOf(bytes, random.nextInt(bytes.length)) : bytes.clone();
        if (damaged.length > 0) {
            damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
        }
        return damaged;
    }

    static String text(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
