package dev.harbormaster.intree;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import dev.harbormaster.policy.PolicyDocument;
import dev.harbormaster.policy.PolicyError;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code harbormaster export vap}: every policy of the sources lowered ({@link Lowering}), as files
 * kubectl applies, and a report of what lowered, what did not and why, with the webhook rules the
 * policies left to the webhook still need.
 *
 * <pre>
 * validating/&lt;policy&gt;.yaml   ValidatingAdmissionPolicy + binding (+ companions, + PolicyParams)
 * mutating/&lt;policy&gt;.yaml     MutatingAdmissionPolicy + binding (+ PolicyParams), beta API
 * crds/policyparams.yaml     the PolicyParams CRD the params objects need
 * report.yaml                lowered, notLowered (with reasons), webhookRules
 * </pre>
 */
public final class Export {

    public static final String REPORT = "report.yaml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .disable(YAMLGenerator.Feature.SPLIT_LINES));
    private static final ObjectMapper READ = new ObjectMapper();

    private Export() {
    }

    /** What an export made: the files by relative path, and each policy's result. */
    public record Exported(Map<String, String> files, List<Lowering.Result> results) {
    }

    /** Lowers every Harbormaster policy of the sources (which must load: check them first). */
    public static Exported export(List<PolicySource> sources) throws IOException {
        Map<String, String> files = new LinkedHashMap<>();
        // By name: a later source's policy replaces an earlier one's (a team's over the default pack's), as the loader does.
        Map<String, Lowering.Result> byName = new LinkedHashMap<>();
        List<PolicyError> errors = new ArrayList<>();
        for (PolicySource source : sources) {
            for (PolicyLoader.Located located : PolicyLoader.documents(source, errors)) {
                String kind = located.node().path("kind").asText();
                if (!PolicyDocument.API_VERSION.equals(located.node().path("apiVersion").asText())
                        || !(PolicyLoader.VALIDATING_POLICY.equals(kind) || PolicyLoader.MUTATING_POLICY.equals(kind))) {
                    continue;
                }
                Lowering.Result result = Lowering.lower(READ.treeToValue(located.node(), PolicyDocument.class));
                byName.put(result.policy(), result);
            }
        }
        List<Lowering.Result> results = new ArrayList<>(byName.values());
        results.sort(java.util.Comparator.comparing(Lowering.Result::policy));
        for (Lowering.Result result : results) {
            if (result.lowered()) {
                String folder = PolicyLoader.MUTATING_POLICY.equals(result.kind()) ? "mutating/" : "validating/";
                files.put(folder + result.policy() + ".yaml", yaml(result.documents()));
            }
        }
        files.put("crds/policyparams.yaml", yaml(List.of(ParamsCrd.definition())));
        files.put(REPORT, report(results, sources));
        return new Exported(files, results);
    }

    /** Writes the files below the directory, replacing what an earlier export wrote there. */
    public static void write(Exported exported, Path directory) throws IOException {
        for (Map.Entry<String, String> file : exported.files().entrySet()) {
            Path path = directory.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
        }
    }

    private static String yaml(List<? extends JsonNode> documents) throws JsonProcessingException {
        StringBuilder text = new StringBuilder("# Written by harbormaster export vap; do not edit (export again instead).\n");
        for (int i = 0; i < documents.size(); i++) {
            text.append(i == 0 ? "" : "---\n").append(YAML.writeValueAsString(documents.get(i)));
        }
        return text.toString();
    }

    /**
     * What lowered and what did not, and the webhook rules the policies that did not still need:
     * the union of their resource rules, validating and mutating apart.
     */
    private static String report(List<Lowering.Result> results, List<PolicySource> sources) throws IOException {
        ObjectNode report = JsonNodeFactory.instance.objectNode();
        ArrayNode lowered = report.putArray("lowered");
        ArrayNode notLowered = report.putArray("notLowered");
        for (Lowering.Result result : results) {
            if (result.lowered()) {
                lowered.addObject().put("policy", result.policy()).put("kind", result.kind());
            } else {
                notLowered.addObject().put("policy", result.policy()).put("kind", result.kind()).put("reason", result.refusal());
            }
        }
        ObjectNode rules = report.putObject("webhookRules");
        rules.set("validating", rules(results, sources, PolicyLoader.VALIDATING_POLICY));
        rules.set("mutating", rules(results, sources, PolicyLoader.MUTATING_POLICY));
        return yaml(List.of(report));
    }

    /** The resource rules of the policies of that kind that did not lower, without repeats. */
    private static ArrayNode rules(List<Lowering.Result> results, List<PolicySource> sources, String kind) {
        Set<String> remaining = new LinkedHashSet<>();
        results.stream().filter(r -> r.kind().equals(kind) && !r.lowered()).forEach(r -> remaining.add(r.policy()));
        Set<JsonNode> seen = new LinkedHashSet<>();
        for (PolicySource source : sources) {
            for (PolicyLoader.Located located : PolicyLoader.documents(source, new ArrayList<>())) {
                if (kind.equals(located.node().path("kind").asText()) && remaining.contains(located.node().path("metadata").path("name").asText())) {
                    located.node().path("spec").path("matchConstraints").path("resourceRules").forEach(rule -> {
                        ObjectNode copy = rule.deepCopy();
                        copy.remove(List.of("resourceNames", "scope"));
                        seen.add(copy);
                    });
                }
            }
        }
        ArrayNode array = JsonNodeFactory.instance.arrayNode();
        seen.forEach(array::add);
        return array;
    }
}
