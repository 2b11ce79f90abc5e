package dev.harbormaster.policy;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One YAML document of a policy file, as written: the Kubernetes envelope with a spec still to be
 * read according to its kind.
 */
public record PolicyDocument(String apiVersion, String kind, Metadata metadata, JsonNode spec) {

    public static final String API_VERSION = "harbormaster.dev/v1alpha1";

    public record Metadata(String name, Map<String, String> labels, Map<String, String> annotations) {
    }

    public String name() {
        return metadata == null ? null : metadata.name();
    }
}
