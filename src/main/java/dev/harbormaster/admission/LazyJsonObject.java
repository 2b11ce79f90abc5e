package dev.harbormaster.admission;

import com.fasterxml.jackson.core.JsonParser;
import dev.harbormaster.cel.CelJson;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

/**
 * An object of an AdmissionReview ({@code request.object}, {@code request.oldObject}), kept as its
 * bytes in the body and decoded into the maps CEL reads when first read: a request that no policy
 * matches never pays for the object, most of its body. The decode pass has checked its JSON syntax,
 * nesting and UTF-8; what only decoding finds (an integer beyond 64 bits) is
 * found by {@link #decode}, which the doors call before any policy reads the object.
 */
final class LazyJsonObject extends AbstractMap<String, Object> {

    private final byte[] body;
    private final int offset;
    private final int length;
    private final String field;
    private Map<String, Object> decoded;

    LazyJsonObject(byte[] body, int offset, int length, String field) {
        this.body = body;
        this.offset = offset;
        this.length = length;
        this.field = field;
    }

    /** The object as maps; refused with the reason if its JSON does not decode. */
    Map<String, Object> decode() throws BadAdmissionRequest {
        if (decoded == null) {
            try (JsonParser parser = AdmissionReviewCodec.JSON.createParser(body, offset, length)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> object = (Map<String, Object>) CelJson.read(parser);
                decoded = object;
            } catch (IOException e) {
                throw new BadAdmissionRequest("malformed JSON in " + field + ": " + AdmissionReviewCodec.jacksonReason(e));
            }
        }
        return decoded;
    }

    @Override
    public Object get(Object key) {
        return decode().get(key);
    }

    @Override
    public boolean containsKey(Object key) {
        return decode().containsKey(key);
    }

    @Override
    public int size() {
        return decode().size();
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return decode().entrySet();
    }
}
