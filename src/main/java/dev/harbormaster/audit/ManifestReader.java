package dev.harbormaster.audit;

import com.fasterxml.jackson.databind.JsonNode;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.policy.PolicyError;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads manifests as kubectl would take them: files, directories (recursively: .yaml, .yml,
 * .json), or {@code -} for standard input; several YAML documents per file, JSON, and {@code List}
 * kinds (as {@code kubectl get -o yaml} writes them). The output of {@code helm template} and
 * {@code kustomize build} is such a stream. What cannot be read is reported with file and document,
 * and the rest is still read.
 */
public final class ManifestReader {

    /** What was read, and what could not be. */
    public record Result(List<Manifest> manifests, List<String> errors) {
    }

    private ManifestReader() {
    }

    public static Result read(List<String> paths, InputStream stdin) {
        List<Manifest> manifests = new ArrayList<>();
        List<String> errors = new ArrayList<>();
        for (String path : paths) {
            try {
                if (path.equals("-")) {
                    parse(new PolicySource("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)), manifests, errors);
                } else if (Files.isDirectory(Path.of(path))) {
                    // Links are followed, as kubectl does; a loop is an error, not a directory silently passed over.
                    try (Stream<Path> files = Files.walk(Path.of(path), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
                        for (Path file : files.filter(ManifestReader::isManifest).sorted().toList()) {
                            try {
                                parse(new PolicySource(file.toString(), PolicyLoader.readText(file)), manifests, errors);
                            } catch (IOException e) {
                                errors.add(file + ": cannot read: " + e.getMessage());
                            }
                        }
                    } catch (java.io.UncheckedIOException e) {
                        throw PolicyLoader.oneLine(e.getCause());
                    }
                } else {
                    parse(new PolicySource(path, PolicyLoader.readText(Path.of(path))), manifests, errors);
                }
            } catch (IOException e) {
                errors.add(path + ": cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return new Result(manifests, errors);
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    private static void parse(PolicySource source, List<Manifest> manifests, List<String> errors) {
        List<PolicyError> problems = new ArrayList<>();
        for (PolicyLoader.Located document : PolicyLoader.documents(source, problems)) {
            add(document.node(), document, manifests, errors);
        }
        problems.forEach(problem -> errors.add(problem.toString()));
    }

    @SuppressWarnings("unchecked")
    private static void add(JsonNode node, PolicyLoader.Located document, List<Manifest> manifests, List<String> errors) {
        String where = document.source().name() + " (document " + document.index() + ", line " + document.line() + ")";
        if (!node.path("apiVersion").isTextual() || !node.path("kind").isTextual()) {
            errors.add(where + ": not a Kubernetes object: apiVersion and kind are needed");
            return;
        }
        if (node.path("kind").asText().endsWith("List") && node.path("items").isArray()) {
            for (JsonNode item : node.path("items")) {
                add(item, document, manifests, errors);
            }
            return;
        }
        manifests.add(new Manifest(document.source().name(), document.index(), document.line(),
                (Map<String, Object>) CelJson.fromJson(node)));
    }
}
