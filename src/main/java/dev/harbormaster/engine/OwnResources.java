package dev.harbormaster.engine;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import dev.harbormaster.policy.PolicySpec.Action;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Harbormaster's own resources (ValidatingPolicy, MutatingPolicy, PolicyException) as they are
 * applied: refused when they would not load, in the words {@code harbormaster test} uses. Not
 * softened by audit mode: a policy that does not compile enforces nothing, whatever the mode.
 */
final class OwnResources {

    /** The name the refusal goes by, where a policy's name would be. */
    static final String CHECK = "harbormaster.dev";
    private static final Set<String> RESOURCES = Set.of("validatingpolicies", "mutatingpolicies", "policyexceptions");

    /** Compiles with its own environment, so that a check never touches the programs in force. */
    private static final class Loader {
        static final PolicyLoader INSTANCE = new PolicyLoader(new CelEnvironment());
    }

    private OwnResources() {
    }

    /** Whether the request writes one of Harbormaster's own resources, which {@link #check} then loads. */
    static boolean concerns(AdmissionInput input) {
        return CHECK.equals(input.resource().group()) && RESOURCES.contains(input.resource().resource())
                && input.subResource().isEmpty() && input.object() != null;
    }

    /** The refusal of an own resource that would not load; empty for anything else, and for a DELETE. */
    static Optional<PolicyResult> check(AdmissionInput input, PolicySet policies) {
        if (!concerns(input)) {
            return Optional.empty();
        }
        Map<String, Object> object = input.object();
        Map<String, Object> metadata = CelJson.map(object, "metadata");
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("apiVersion", object.get("apiVersion"));
        document.put("kind", object.get("kind"));
        Map<String, Object> kept = new LinkedHashMap<>();
        kept.put("name", input.name().isEmpty() ? CelJson.string(metadata, "name") : input.name());
        if (!input.namespace().isEmpty()) {
            kept.put("namespace", input.namespace());
        }
        if (metadata != null && metadata.get("labels") != null) {
            kept.put("labels", metadata.get("labels"));
        }
        document.put("metadata", kept);
        document.put("spec", object.get("spec"));
        String name = input.kind().kind() + "/" + (input.namespace().isEmpty() ? "" : input.namespace() + "/") + kept.get("name");
        List<String> problems = Loader.INSTANCE.check(PolicySource.ofResource(name, CelJson.toJson(document).toString()), policies);
        if (problems.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new PolicyResult(CHECK, Outcome.VIOLATION, Set.of(Action.Deny),
                name + ": " + String.join("; ", problems), "Invalid", null));
    }
}
