package dev.harbormaster.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Verdict;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * AdmissionReview {@code admission.k8s.io/v1}: decodes the request in one streaming pass into the
 * engine's input, and writes the response. Written against Jackson's streaming API rather than
 * fabric8's AdmissionReview model: the object must reach CEL as plain maps, and binding it to typed
 * model classes first would parse every request twice.
 */
public final class AdmissionReviewCodec {

    public static final String API_VERSION = "admission.k8s.io/v1";
    public static final String KIND = "AdmissionReview";
    private static final Set<String> OPERATIONS = Set.of("CREATE", "UPDATE", "DELETE", "CONNECT");

    /** Also what {@link LazyJsonObject} decodes an object with, under the same constraints. */
    static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();

    private static final ObjectMapper PATCH_WRITER = new ObjectMapper();

    private AdmissionReviewCodec() {
    }

    /**
     * The engine's input from a body, refused with the reason when it is no usable AdmissionReview.
     * {@code object} and {@code oldObject} are checked for JSON syntax here and decoded when first read
     * ({@link #withObjectsDecoded}, which a door calls before any policy reads them).
     */
    public static AdmissionInput decode(byte[] body) throws BadAdmissionRequest {
        return decode(body, NEVER);
    }

    /** The hint that decodes no object in the pass; the pass then does not ask it. */
    private static final Predicate<AdmissionInput> NEVER = head -> false;

    /**
     * As {@link #decode(byte[])}, but an object is decoded in the same pass when {@code decodeNow} says
     * so of the request's attributes as read before it (an input whose {@code request} map is empty;
     * kube-apiserver sends the attributes first): a
     * request that some policy has work on then has its object tokenized once, not skipped and then
     * decoded. Only a hint: the result is the same either way, and a door still decides on the whole
     * input. When an object does not decode in the pass, the body is read again without the hint, so
     * that every refusal, and where it is made, is the one the body gets without it.
     */
    public static AdmissionInput decode(byte[] body, Predicate<AdmissionInput> decodeNow) throws BadAdmissionRequest {
        try {
            return input(parse(body, decodeNow));
        } catch (ObjectNotDecodable e) {
            return input(parse(body, NEVER));
        }
    }

    private static AdmissionInput input(Map<String, Object> review) throws BadAdmissionRequest {
        require(API_VERSION.equals(review.get("apiVersion")),
                () -> "apiVersion is " + quoted(review.get("apiVersion")) + ", expected \"" + API_VERSION
                        + "\" (set admissionReviewVersions: [v1] in the webhook configuration)");
        require(KIND.equals(review.get("kind")), () -> "kind is " + quoted(review.get("kind")) + ", expected \"" + KIND + "\"");
        Map<String, Object> request = CelJson.map(review, "request");
        require(request != null, () -> "request is missing or not an object");
        return request(request, true);
    }

    /**
     * The input from the request's fields: those of the whole request, or (not {@code whole}) those read
     * before an object, for the hint, which asks about attributes: that input's {@code request} map is empty.
     */
    private static AdmissionInput request(Map<String, Object> request, boolean whole) throws BadAdmissionRequest {
        String uid = requiredText(request, "uid", "request.uid");
        require(!uid.isBlank(), () -> "request.uid is empty");
        String operation = requiredText(request, "operation", "request.operation");
        require(OPERATIONS.contains(operation), () -> "request.operation is " + quoted(operation) + ", expected one of " + OPERATIONS);
        Map<String, Object> kind = requiredMap(request, "kind");
        Map<String, Object> resource = requiredMap(request, "resource");
        requiredText(kind, "kind", "request.kind.kind");
        requiredText(resource, "resource", "request.resource.resource");
        Map<String, Object> object = object(request, "object");
        Map<String, Object> oldObject = object(request, "oldObject");
        Object dryRun = request.get("dryRun");
        require(CelJson.isNull(dryRun) || dryRun instanceof Boolean, () -> "request.dryRun is " + typeOf(dryRun) + ", expected a boolean");

        Map<String, Object> celRequest = whole ? withoutObjects(request) : Map.of();
        return new AdmissionInput(uid, operation,
                new AdmissionInput.Kind(text(kind, "group", "request.kind.group"), text(kind, "version", "request.kind.version"),
                        text(kind, "kind", "request.kind.kind")),
                new AdmissionInput.Resource(text(resource, "group", "request.resource.group"),
                        text(resource, "version", "request.resource.version"), text(resource, "resource", "request.resource.resource")),
                text(request, "subResource", "request.subResource"), text(request, "namespace", "request.namespace"),
                text(request, "name", "request.name"), object, oldObject, celRequest, Boolean.TRUE.equals(dryRun));
    }

    /** CEL's {@code request}: the request's fields but for the objects, which are variables of their own. */
    private static Map<String, Object> withoutObjects(Map<String, Object> request) {
        Map<String, Object> fields = new LinkedHashMap<>(request);
        fields.remove("object");
        fields.remove("oldObject");
        return fields;
    }

    private static Map<String, Object> parse(byte[] body, Predicate<AdmissionInput> decodeNow) throws BadAdmissionRequest {
        require(body != null && body.length > 0, () -> "the request body is empty; expected an AdmissionReview");
        try (JsonParser parser = JSON.createParser(body)) {
            Object value = readReview(parser, body, decodeNow);
            require(parser.nextToken() == null, () -> "unexpected content after the AdmissionReview at "
                    + parser.currentLocation().offsetDescription());
            if (!(value instanceof Map<?, ?>)) {
                throw new BadAdmissionRequest("the body is a JSON " + (value instanceof java.util.List ? "array" : "value")
                        + ", expected an AdmissionReview object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> review = (Map<String, Object>) value;
            return review;
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            throw new BadAdmissionRequest("malformed JSON" + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
                    + ": " + jacksonReason(e));
        } catch (IOException e) {
            throw new BadAdmissionRequest("malformed JSON: " + jacksonReason(e));
        }
    }

    /**
     * The body's value as CelJson reads it, but for {@code request.object} and {@code request.oldObject}:
     * each is decoded now if {@code decodeNow} says so of the request read before it, else skipped (its
     * syntax and nesting still checked by the parser) and kept as a {@link LazyJsonObject}.
     */
    private static Object readReview(JsonParser parser, byte[] body, Predicate<AdmissionInput> decodeNow) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return CelJson.read(parser);
        }
        Map<String, Object> review = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            review.put(field, field.equals("request") && value == JsonToken.START_OBJECT
                    ? readRequest(parser, body, decodeNow) : CelJson.read(parser));
        }
        return review;
    }

    private static Map<String, Object> readRequest(JsonParser parser, byte[] body, Predicate<AdmissionInput> decodeNow) throws IOException {
        Map<String, Object> request = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken value = parser.nextToken();
            if ((field.equals("object") || field.equals("oldObject")) && value == JsonToken.START_OBJECT) {
                if (decodeNow != NEVER && decodesNow(request, field, decodeNow)) {
                    try {
                        request.put(field, CelJson.read(parser));
                    } catch (IOException e) {
                        throw new ObjectNotDecodable();
                    }
                } else {
                    int start = (int) parser.currentTokenLocation().getByteOffset();
                    parser.skipChildren();
                    int end = (int) parser.currentLocation().getByteOffset();
                    request.put(field, new LazyJsonObject(body, start, end - start, "request." + field));
                }
            } else {
                request.put(field, CelJson.read(parser));
            }
        }
        return request;
    }

    /**
     * Asks the hint about the request as read so far, an empty map standing in for the object about to
     * be read (which then takes its place); no when the fields so far are no request yet.
     */
    private static boolean decodesNow(Map<String, Object> request, String field, Predicate<AdmissionInput> decodeNow) {
        request.put(field, Map.of());
        try {
            return decodeNow.test(request(request, false));
        } catch (BadAdmissionRequest e) {
            return false;
        }
    }

    /** An object that did not decode in the pass: the body is read again with both objects left for later. */
    private static final class ObjectNotDecodable extends RuntimeException {
        ObjectNotDecodable() {
            super(null, null, false, false);
        }
    }

    /** The same input with its objects decoded into plain maps; refused when one does not decode. */
    public static AdmissionInput withObjectsDecoded(AdmissionInput input) throws BadAdmissionRequest {
        return new AdmissionInput(input.uid(), input.operation(), input.kind(), input.resource(), input.subResource(), input.namespace(),
                input.name(), decoded(input.object()), decoded(input.oldObject()), input.request(), input.dryRun());
    }

    private static Map<String, Object> decoded(Map<String, Object> object) {
        return object instanceof LazyJsonObject lazy ? lazy.decode() : object;
    }

    /** Why Jackson could not read a body (its message without the location it appends), in the caller's terms. */
    static String jacksonReason(IOException e) {
        return jacksonReason(e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage());
    }

    /**
     * Jackson's reason in the caller's terms: without the names of its settings and classes
     * ({@code StreamReadConstraints.getMaxNestingDepth()}), which tell a client nothing it can change.
     */
    static String jacksonReason(String message) {
        if (message == null) {
            return "unreadable";
        }
        return message.replaceAll("\\R[\\s\\S]*", "")
                .replaceAll(",? ?from `[^`]*`", "")
                .replaceAll("\\(`[^`]*`[^)]*\\)", "")
                .replaceAll("\\b(?:[a-z_][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)*(?:\\(\\))?", "")
                .replaceAll("\\s+", " ")
                .strip();
    }

    private static Map<String, Object> object(Map<String, Object> request, String field) throws BadAdmissionRequest {
        Object value = request.get(field);
        require(CelJson.isNull(value) || value instanceof Map, () -> "request." + field + " must be an object or null, not " + typeOf(value));
        return CelJson.map(request, field);
    }

    private static Map<String, Object> requiredMap(Map<String, Object> request, String field) throws BadAdmissionRequest {
        Map<String, Object> value = CelJson.map(request, field);
        require(value != null, () -> "request." + field + " is " + typeOf(request.get(field)) + ", expected an object");
        return value;
    }

    /** A string field that must be present. */
    private static String requiredText(Map<String, Object> map, String field, String path) throws BadAdmissionRequest {
        Object value = map.get(field);
        require(value instanceof String, () -> path + " is " + typeOf(value) + ", expected a string");
        return (String) value;
    }

    /** A string field that may be absent or null (then ""), but is never of another type. */
    private static String text(Map<String, Object> map, String field, String path) throws BadAdmissionRequest {
        Object value = map.get(field);
        require(CelJson.isNull(value) || value instanceof String, () -> path + " is " + typeOf(value) + ", expected a string");
        return value instanceof String s ? s : "";
    }

    /** What a JSON value is, for a reason: the type, never the value (it may be huge). */
    static String typeOf(Object value) {
        if (value == null) {
            return "missing";
        }
        if (CelJson.isNull(value)) {
            return "null";
        }
        if (value instanceof Map) {
            return "an object";
        }
        if (value instanceof java.util.List) {
            return "an array";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        return value instanceof Number ? "a number" : "a string";
    }

    private static String quoted(Object value) {
        return value instanceof String s ? "\"" + Reasons.excerpt(s) + "\"" : typeOf(value);
    }

    /** The message is made only when the condition fails: the request path never builds it. */
    private static void require(boolean condition, Supplier<String> message) throws BadAdmissionRequest {
        if (!condition) {
            throw new BadAdmissionRequest(message.get());
        }
    }

    /** The AdmissionReview answer for a verdict, with its JSONPatch when the verdict carries one. */
    public static byte[] encode(String uid, Verdict verdict) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("apiVersion", API_VERSION);
            json.writeStringField("kind", KIND);
            json.writeObjectFieldStart("response");
            json.writeStringField("uid", uid);
            json.writeBooleanField("allowed", verdict.allowed());
            if (verdict.denial() != null) {
                json.writeObjectFieldStart("status");
                json.writeNumberField("code", verdict.denial().code());
                json.writeStringField("reason", verdict.denial().reason());
                json.writeStringField("message", verdict.denial().message());
                json.writeEndObject();
            }
            if (!verdict.warnings().isEmpty()) {
                json.writeArrayFieldStart("warnings");
                for (String warning : verdict.warnings()) {
                    json.writeString(warning);
                }
                json.writeEndArray();
            }
            if (!verdict.auditAnnotations().isEmpty()) {
                json.writeObjectFieldStart("auditAnnotations");
                for (Map.Entry<String, String> annotation : verdict.auditAnnotations().entrySet()) {
                    json.writeStringField(annotation.getKey(), annotation.getValue());
                }
                json.writeEndObject();
            }
            if (verdict.patch() != null) {
                json.writeStringField("patchType", "JSONPatch");
                json.writeBinaryField("patch", PATCH_WRITER.writeValueAsBytes(verdict.patch()));
            }
            json.writeEndObject();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        return out.toByteArray();
    }
}
