package dev.harbormaster.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The spec of a PolicyException: which objects of its own namespace it selects, which policies (or
 * which of their validations) it exempts them from, why, and until when. Read strictly, as the
 * policies' specs are.
 *
 * @param expiresAt RFC 3339 date-time; past it the exception no longer applies (and says so)
 */
public record PolicyExceptionSpec(String reason, String expiresAt, Match match, List<Exempted> policies) {

    /** Every part given must select the object; a part left out selects every object. */
    public record Match(List<String> kinds, List<String> names, JsonNode selector) {
    }

    /** A policy exempted, wholly or (validations given, by index or by name) in part. */
    public record Exempted(String name, List<JsonNode> validations) {
    }
}
