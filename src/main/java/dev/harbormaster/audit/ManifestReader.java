package dev.harbormaster.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.policy.PolicyError;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Reads manifests as kubectl takes them: files, directories (recursively: .yaml, .yml, .json), or
 * {@code -} for standard input; YAML streams of documents, JSON (also several objects one after the
 * other, and tab-indented), and {@code List} kinds (as {@code kubectl get -o yaml} writes them), each
 * item at its own line. The output of {@code helm template} and {@code kustomize build} is such a
 * stream. A document that is no Kubernetes object (a Helm values file, a config file: neither
 * apiVersion nor kind) is skipped with a notice; what cannot be read is an error naming file and
 * line, and the rest is still read.
 */
public final class ManifestReader {

    /**
     * Something about an input, at a file and line, as one line of text ({@link #toString()}).
     *
     * @param skipped whether it says that a file or document was passed over (JUnit shows those as skipped)
     */
    public record Problem(String file, int line, String text, boolean skipped) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * @param skip           globs of files not to read: one without '/' matches a file's name, one with '/' its path
     *                       (as given, or below the directory given)
     * @param namespace      the namespace of objects that name none, as the API server sets it from the request
     * @param namespaceGiven whether it was given (kubectl's -n): an object naming another one is then refused, as kubectl does
     */
    public record Options(List<String> skip, String namespace, boolean namespaceGiven) {
        public static final Options DEFAULT = new Options(List.of(), "default", false);
    }

    /** What was read; what could not be (errors: the run exits 2); what was passed over or looks wrong (notices). */
    public record Result(List<Manifest> manifests, List<Problem> errors, List<Problem> notices) {
    }

    private static final ObjectMapper JSON = JsonMapper.builder().build();
    private static final JsonFactory YAML_FACTORY = new YAMLFactory();

    private final Options options;
    private final List<PathMatcher> skips = new ArrayList<>();
    private final List<Manifest> manifests = new ArrayList<>();
    private final List<Problem> errors = new ArrayList<>();
    private final List<Problem> notices = new ArrayList<>();
    private final Set<String> customKinds = new LinkedHashSet<>();

    private ManifestReader(Options options) {
        this.options = options;
        for (String pattern : options.skip()) {
            skips.add(FileSystems.getDefault().getPathMatcher("glob:" + pattern));
        }
    }

    public static Result read(List<String> paths, InputStream stdin) {
        return read(paths, stdin, Options.DEFAULT);
    }

    public static Result read(List<String> paths, InputStream stdin, Options options) {
        ManifestReader reader = new ManifestReader(options);
        for (String path : paths) {
            reader.readPath(path, stdin);
        }
        return new Result(List.copyOf(reader.manifests), List.copyOf(reader.errors), List.copyOf(reader.notices));
    }

    private void readPath(String path, InputStream stdin) {
        try {
            if (path.equals("-")) {
                parse(new PolicySource("<stdin>", new String(stdin.readAllBytes(), StandardCharsets.UTF_8)), false);
            } else if (Files.isDirectory(Path.of(path))) {
                Path root = Path.of(path);
                // Links are followed, as kubectl does; a loop is an error, not a directory silently passed over.
                try (Stream<Path> files = Files.walk(root, java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
                    for (Path file : files.filter(ManifestReader::isManifest).sorted().toList()) {
                        if (skipped(file, root.relativize(file))) {
                            continue;
                        }
                        try {
                            parse(new PolicySource(file.toString(), PolicyLoader.readText(file)), isJsonFile(file));
                        } catch (IOException e) {
                            error(file.toString(), 0, file + ": cannot read: " + e.getMessage());
                        }
                    }
                } catch (java.io.UncheckedIOException e) {
                    throw PolicyLoader.oneLine(e.getCause());
                }
            } else if (!skipped(Path.of(path), null)) {
                parse(new PolicySource(path, PolicyLoader.readText(Path.of(path))), isJsonFile(Path.of(path)));
            }
        } catch (IOException e) {
            error(path, 0, path + ": cannot read: " + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
        }
    }

    private boolean skipped(Path file, Path belowRoot) {
        for (int i = 0; i < skips.size(); i++) {
            String pattern = options.skip().get(i);
            PathMatcher matcher = skips.get(i);
            boolean matches = pattern.contains("/")
                    ? matcher.matches(file) || (belowRoot != null && matcher.matches(belowRoot))
                    : file.getFileName() != null && matcher.matches(file.getFileName());
            if (matches) {
                notices.add(new Problem(file.toString(), 0, file + ": skipped (--skip " + pattern + ")", true));
                return true;
            }
        }
        return false;
    }

    private static boolean isManifest(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file) && (name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"));
    }

    private static boolean isJsonFile(Path file) {
        return file.getFileName() != null && file.getFileName().toString().endsWith(".json");
    }

    /**
     * A .json file is JSON. Other text is JSON when it starts with '{' and reads as JSON (kubectl
     * sniffs the same way), else YAML: a YAML flow mapping starts with '{' too.
     */
    private void parse(PolicySource source, boolean json) {
        if (json) {
            parseJson(source, true);
            return;
        }
        String start = source.content().stripLeading();
        if (start.startsWith("\uFEFF")) {
            start = start.substring(1).stripLeading();
        }
        if (start.startsWith("{") && parseJson(source, false)) {
            return;
        }
        parseYaml(source);
    }

    /** @return whether the text was JSON; when {@code only}, a syntax error is reported rather than returned as false */
    private boolean parseJson(PolicySource source, boolean only) {
        List<Manifest> read = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        List<Problem> remarks = new ArrayList<>();
        int index = 0;
        int line = 1;
        try (JsonParser parser = JSON.getFactory().createParser(source.content())) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                index++;
                line = parser.currentTokenLocation().getLineNr();
                JsonNode node = JSON.readTree(parser);
                if (!node.isObject()) {
                    problems.add(problem(source, index, line, "a JSON value must be an object, not " + node.getNodeType()));
                    continue;
                }
                collect(node, source, index, line, JSON.getFactory(), read, problems, remarks);
            }
        } catch (IOException e) {
            if (!only) {
                return false;
            }
            int at = e instanceof JsonProcessingException json && json.getLocation() != null ? json.getLocation().getLineNr() : line;
            String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            problems.add(problem(source, Math.max(index, 1), at, "not valid JSON: " + PolicyLoader.oneLine(message)));
        }
        manifests.addAll(read);
        errors.addAll(problems);
        notices.addAll(remarks);
        return true;
    }

    private void parseYaml(PolicySource source) {
        List<PolicyError> problems = new ArrayList<>();
        for (PolicyLoader.Located document : PolicyLoader.documents(source, problems)) {
            collect(document.node(), source, document.index(), document.line(), YAML_FACTORY, manifests, errors, notices);
        }
        problems.forEach(problem -> error(problem.file(), problem.line(), problem.toString()));
    }

    private void collect(JsonNode node, PolicySource source, int index, int line, JsonFactory factory,
                         List<Manifest> into, List<Problem> problems, List<Problem> remarks) {
        boolean hasApiVersion = node.path("apiVersion").isTextual();
        boolean hasKind = node.path("kind").isTextual();
        if (!hasApiVersion && !hasKind && !node.has("apiVersion") && !node.has("kind")) {
            remarks.add(skip(source, index, line, "skipped: not a Kubernetes object (no apiVersion and kind)"));
            return;
        }
        if (!hasApiVersion || !hasKind) {
            problems.add(problem(source, index, line, "not a Kubernetes object: apiVersion and kind must both be strings"));
            return;
        }
        String apiVersion = node.path("apiVersion").asText();
        String kind = node.path("kind").asText();
        if (apiVersion.startsWith("kustomize.config.k8s.io/")) {
            remarks.add(skip(source, index, line, "skipped: a kustomize " + kind + ", not an object for the cluster (audit the output of kustomize build)"));
            return;
        }
        if (kind.endsWith("List") && node.path("items").isArray()) {
            List<Integer> lines = itemLines(factory, source.content(), index, line, node.path("items").size());
            for (int i = 0; i < node.path("items").size(); i++) {
                JsonNode item = node.path("items").get(i);
                if (!item.isObject()) {
                    problems.add(problem(source, index, lines.get(i), "items[" + i + "] of the " + kind + " is not an object"));
                } else {
                    collect(item, source, index, lines.get(i), factory, into, problems, remarks);
                }
            }
            return;
        }
        BuiltInKinds.problem(apiVersion, kind).ifPresent(problem -> remarks.add(problem(source, index, line, problem)));
        if (!BuiltInKinds.builtInGroup(apiVersion) && customKinds.add(apiVersion + " " + kind)) {
            remarks.add(problem(source, index, line, "a custom resource (" + apiVersion + " " + kind
                    + "), not a built-in kind: checked as any object, with no schema"));
        }
        if (!inNamespace(node, kind, source, index, line, problems)) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> object = (Map<String, Object>) CelJson.fromJson(node);
        into.add(new Manifest(source.name(), index, line, object));
    }

    /**
     * Gives a namespaced object without a namespace the one of the run, as the API server sets it
     * from the request before admission; refuses one naming another namespace than the one given.
     */
    private boolean inNamespace(JsonNode node, String kind, PolicySource source, int index, int line, List<Problem> problems) {
        if (ManifestInput.isClusterScoped(kind) || !(node instanceof ObjectNode object)) {
            return true;
        }
        JsonNode metadata = object.get("metadata");
        if (metadata == null || metadata.isNull()) {
            metadata = object.putObject("metadata");
        }
        if (!(metadata instanceof ObjectNode meta)) {
            return true;
        }
        String own = meta.path("namespace").isTextual() ? meta.path("namespace").asText() : "";
        if (own.isEmpty()) {
            meta.put("namespace", options.namespace());
            return true;
        }
        if (options.namespaceGiven() && !own.equals(options.namespace())) {
            problems.add(problem(source, index, line, "the object's namespace '" + own + "' does not match --namespace "
                    + options.namespace() + " (kubectl refuses it too)"));
            return false;
        }
        return true;
    }

    /**
     * The line of each item of a List document: the tree keeps no locations, so the document is
     * read once more, as tokens, only for Lists.
     */
    private static List<Integer> itemLines(JsonFactory factory, String content, int document, int line, int count) {
        List<Integer> lines = new ArrayList<>();
        try (JsonParser parser = factory.createParser(content)) {
            int index = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (++index < document) {
                    parser.skipChildren();
                    continue;
                }
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean items = parser.currentName().equals("items");
                    JsonToken value = parser.nextToken();
                    if (items && value == JsonToken.START_ARRAY) {
                        while (parser.nextToken() != JsonToken.END_ARRAY) {
                            lines.add(parser.currentTokenLocation().getLineNr());
                            parser.skipChildren();
                        }
                        break;
                    }
                    parser.skipChildren();
                }
                break;
            }
        } catch (IOException | RuntimeException e) {
            // read once already; at worst the items keep the List's line
        }
        while (lines.size() < count) {
            lines.add(line);
        }
        return lines;
    }

    private static Problem problem(PolicySource source, int document, int line, String message) {
        return new Problem(source.name(), line, new PolicyError(source.name(), document, line, null, null, message).toString(), false);
    }

    private static Problem skip(PolicySource source, int document, int line, String message) {
        return new Problem(source.name(), line, new PolicyError(source.name(), document, line, null, null, message).toString(), true);
    }

    private void error(String file, int line, String text) {
        errors.add(new Problem(file, line, text, false));
    }
}
