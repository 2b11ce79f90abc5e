package dev.harbormaster.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.harbormaster.policy.PolicyError;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * N copies of the default pack's validating rules that apply to a Deployment CREATE, with distinct
 * names, to see how the cost grows with the number of policies. "matching" copies keep their
 * resource rules; "nonmatching" copies are rewritten to apply to configmaps only, so matching
 * rejects them before any CEL runs.
 *
 * <pre>java -cp benchmarks.jar dev.harbormaster.bench.PolicyCopies OUT_DIR COUNT matching|nonmatching</pre>
 */
public final class PolicyCopies {

    /** The default pack's validating policies whose rules match a Deployment CREATE. */
    static final List<String> DEPLOYMENT_RULES = List.of("disallow-latest-tag", "image-pull-policy", "pdb-sanity",
            "probe-sanity", "require-pdb-on-create", "require-probes", "termination-budget");

    private static final YAMLMapper YAML = new YAMLMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER));

    private PolicyCopies() {
    }

    /** The policies as one file per 10 policies (a pack of many files, as a ConfigMap would hold them). */
    public static List<PolicySource> sources(int count, boolean matching) throws IOException {
        return sources(count, matching, false);
    }

    /**
     * With {@code distinctExpressions}, every expression of copy N ends with the CEL comment
     * {@code // copy N}: the same rules, yet no two copies share an expression text, so a load
     * compiles each one (the loader compiles an expression shared by several policies once).
     */
    public static List<PolicySource> sources(int count, boolean matching, boolean distinctExpressions) throws IOException {
        List<ObjectNode> templates = templates();
        List<PolicySource> files = new ArrayList<>();
        StringBuilder file = new StringBuilder();
        for (int i = 0; i < count; i++) {
            ObjectNode copy = templates.get(i % templates.size()).deepCopy();
            String name = String.format("%s-%04d", copy.path("metadata").path("name").asText(), i);
            ((ObjectNode) copy.get("metadata")).put("name", name);
            if (distinctExpressions) {
                markExpressions(copy, "\n// copy " + i);
            }
            if (!matching) {
                ArrayNode rules = ((ObjectNode) copy.get("spec").get("matchConstraints")).putArray("resourceRules");
                ObjectNode rule = rules.addObject();
                rule.putArray("apiGroups").add("");
                rule.putArray("apiVersions").add("v1");
                rule.putArray("operations").add("CREATE").add("UPDATE");
                rule.putArray("resources").add("configmaps");
            }
            file.append("---\n").append(YAML.writeValueAsString(copy));
            if ((i + 1) % 10 == 0 || i == count - 1) {
                files.add(new PolicySource(String.format("copies/%s-%04d.yaml", matching ? "matching" : "nonmatching", i / 10), file.toString()));
                file.setLength(0);
            }
        }
        return files;
    }

    private static void markExpressions(JsonNode node, String comment) {
        if (node instanceof ObjectNode object) {
            object.properties().forEach(field -> {
                if (field.getKey().endsWith("xpression") && field.getValue().isTextual()) {
                    field.setValue(TextNode.valueOf(field.getValue().asText() + comment));
                } else {
                    markExpressions(field.getValue(), comment);
                }
            });
        } else if (node instanceof ArrayNode array) {
            array.forEach(item -> markExpressions(item, comment));
        }
    }

    static List<ObjectNode> templates() throws IOException {
        List<ObjectNode> templates = new ArrayList<>();
        List<PolicyError> errors = new ArrayList<>();
        for (PolicySource source : PolicyLoader.readBundled()) {
            for (PolicyLoader.Located located : PolicyLoader.documents(source, errors)) {
                JsonNode node = located.node();
                if (PolicyLoader.VALIDATING_POLICY.equals(node.path("kind").asText())
                        && DEPLOYMENT_RULES.contains(node.path("metadata").path("name").asText())) {
                    templates.add((ObjectNode) node);
                }
            }
        }
        if (!errors.isEmpty() || templates.size() != DEPLOYMENT_RULES.size()) {
            throw new IllegalStateException("the bundled pack changed: found " + templates.size() + " of " + DEPLOYMENT_RULES + " " + errors);
        }
        return templates;
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 3 || !List.of("matching", "nonmatching").contains(args[2])) {
            System.err.println("usage: PolicyCopies OUT_DIR COUNT matching|nonmatching");
            System.exit(2);
        }
        Path out = Path.of(args[0]);
        Files.createDirectories(out);
        List<PolicySource> sources = sources(Integer.parseInt(args[1]), args[2].equals("matching"));
        for (PolicySource source : sources) {
            Path file = out.resolve(Path.of(source.name()).getFileName().toString());
            Files.writeString(file, source.content());
        }
        System.out.println("wrote " + args[1] + " " + args[2] + " policies in " + sources.size() + " files to " + out);
    }
}
