package dev.harbormaster.admission;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
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

    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
            .build();

    private static final ObjectMapper PATCH_WRITER = new ObjectMapper();

    private AdmissionReviewCodec() {
    }

    public static AdmissionInput decode(byte[] body) throws BadAdmissionRequest {
        Map<String, Object> review = parse(body);
        require(API_VERSION.equals(review.get("apiVersion")),
                "apiVersion is " + quoted(review.get("apiVersion")) + ", expected \"" + API_VERSION
                        + "\" (set admissionReviewVersions: [v1] in the webhook configuration)");
        require(KIND.equals(review.get("kind")), "kind is " + quoted(review.get("kind")) + ", expected \"" + KIND + "\"");
        Map<String, Object> request = CelJson.map(review, "request");
        require(request != null, "request is missing or not an object");
        String uid = CelJson.string(request, "uid");
        require(uid != null && !uid.isBlank(), "request.uid is missing or empty");
        String operation = CelJson.string(request, "operation");
        require(OPERATIONS.contains(operation), "request.operation is " + quoted(operation) + ", expected one of " + OPERATIONS);
        Map<String, Object> kind = CelJson.map(request, "kind");
        Map<String, Object> resource = CelJson.map(request, "resource");
        require(kind != null && CelJson.string(kind, "kind") != null, "request.kind is missing or has no kind");
        require(resource != null && CelJson.string(resource, "resource") != null, "request.resource is missing or has no resource");
        Map<String, Object> object = object(request, "object");
        Map<String, Object> oldObject = object(request, "oldObject");

        Map<String, Object> celRequest = new LinkedHashMap<>(request);
        celRequest.remove("object");
        celRequest.remove("oldObject");
        return new AdmissionInput(uid, operation,
                new AdmissionInput.Kind(text(kind, "group"), text(kind, "version"), text(kind, "kind")),
                new AdmissionInput.Resource(text(resource, "group"), text(resource, "version"), text(resource, "resource")),
                text(request, "subResource"), text(request, "namespace"), text(request, "name"),
                object, oldObject, celRequest, Boolean.TRUE.equals(request.get("dryRun")));
    }

    private static Map<String, Object> parse(byte[] body) throws BadAdmissionRequest {
        require(body != null && body.length > 0, "the request body is empty; expected an AdmissionReview");
        try (JsonParser parser = JSON.createParser(body)) {
            Object value = CelJson.read(parser);
            require(parser.nextToken() == null, "unexpected content after the AdmissionReview at "
                    + parser.currentLocation().offsetDescription());
            if (!(value instanceof Map<?, ?>)) {
                throw new BadAdmissionRequest("the body is a JSON " + (value instanceof java.util.List ? "array" : "value")
                        + ", expected an AdmissionReview object");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> review = (Map<String, Object>) value;
            return review;
        } catch (JsonParseException e) {
            throw new BadAdmissionRequest("malformed JSON at line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ": " + e.getOriginalMessage().replaceAll("\\R.*", ""));
        } catch (IOException e) {
            throw new BadAdmissionRequest("malformed JSON: " + e.getMessage().replaceAll("\\R.*", ""));
        }
    }

    private static Map<String, Object> object(Map<String, Object> request, String field) throws BadAdmissionRequest {
        Object value = request.get(field);
        require(CelJson.isNull(value) || value instanceof Map, "request." + field + " must be an object or null");
        return CelJson.map(request, field);
    }

    private static String text(Map<String, Object> map, String field) {
        String value = CelJson.string(map, field);
        return value == null ? "" : value;
    }

    private static String quoted(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : "missing";
    }

    private static void require(boolean condition, String message) throws BadAdmissionRequest {
        if (!condition) {
            throw new BadAdmissionRequest(message);
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
