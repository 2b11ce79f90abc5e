package dev.harbormaster.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;

/**
 * One YAML document of a policy file or one policy resource, as written: the Kubernetes envelope
 * with a spec still to be read according to its kind. What the API server adds (status, uid,
 * resourceVersion, generation, timestamps, managedFields) is passed over, so that the output of
 * {@code kubectl get -o yaml} loads as a file does.
 */
@JsonIgnoreProperties({"status"})
public record PolicyDocument(String apiVersion, String kind, Metadata metadata, JsonNode spec) {

    public static final String API_VERSION = "harbormaster.dev/v1alpha1";

    @JsonIgnoreProperties({"uid", "resourceVersion", "generation", "creationTimestamp", "managedFields", "selfLink",
            "deletionTimestamp", "deletionGracePeriodSeconds", "finalizers", "ownerReferences", "generateName"})
    public record Metadata(String name, String namespace, Map<String, String> labels, Map<String, String> annotations) {
    }

    public String name() {
        return metadata == null ? null : metadata.name();
    }

    public String namespace() {
        return metadata == null ? null : metadata.namespace();
    }
}
