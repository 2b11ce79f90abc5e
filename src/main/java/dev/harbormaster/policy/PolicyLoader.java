package dev.harbormaster.policy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.cel.common.types.CelType;
import dev.harbormaster.cel.CelCompileException;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelExpression;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads policy files (YAML, several documents each) and compiles them into a {@link PolicySet}.
 * All or nothing: one broken document fails the whole load with every error listed, so a half
 * pack never goes into force.
 */
public final class PolicyLoader {

    public static final String VALIDATING_POLICY = "ValidatingPolicy";
    public static final String MUTATING_POLICY = "MutatingPolicy";
    /** Test cases kept beside the policies; read by the policy test runner, passed over here. */
    public static final String POLICY_TEST = "PolicyTest";
    /** Exempts the objects it selects from policies it names; namespaced, unlike the policies. */
    public static final String POLICY_EXCEPTION = "PolicyException";
    /** Where the default pack sits on the class path. */
    public static final String BUNDLED = "policies";

    /**
     * The largest YAML document read (policies, manifests, test files): the server's default
     * harbormaster.admission.max-request-bytes, so that the CLI refuses what the webhook would.
     */
    public static final int MAX_DOCUMENT_CHARS = 3 * 1024 * 1024;

    private static final ObjectMapper YAML = new ObjectMapper(YAMLFactory.builder()
            .loaderOptions(loaderOptions())
            .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static org.yaml.snakeyaml.LoaderOptions loaderOptions() {
        org.yaml.snakeyaml.LoaderOptions options = new org.yaml.snakeyaml.LoaderOptions();
        options.setCodePointLimit(MAX_DOCUMENT_CHARS);
        return options;
    }

    private final CelEnvironment cel;
    /** Where Kubernetes' own admission policies compile: kube-apiserver's CEL, without Harbormaster's helpers. */
    private static final CelEnvironment KUBERNETES = CelEnvironment.kubernetesOnly();
    private final PolicyCompiler compiler = new PolicyCompiler();
    /**
     * The programs of the last successful load, by expression: a reload compiles only what is new
     * or changed, and an expression that several policies share (policies made from one template)
     * is compiled once. Programs are immutable and thread-safe, so snapshots may share them.
     */
    private volatile Map<Expression, CelExpression> inForce = Map.of();

    public PolicyLoader(CelEnvironment cel) {
        this.cel = cel;
    }

    private record Expression(String text, CelType resultType, boolean kubernetesOnly) {
    }

    /** A document of a file, with where it starts. */
    public record Located(PolicySource source, int index, int line, JsonNode node) {
    }

    public PolicySet load(List<PolicySource> sources, String origin) throws PolicyLoadException {
        return load(List.of(), sources, origin);
    }

    /**
     * Loads a base pack (the bundled one) with more policies over it: a policy of {@code sources}
     * replaces the base's policy of the same name (a warning says so when the two differ); two of
     * the same name within {@code sources} are an error.
     */
    public PolicySet load(List<PolicySource> base, List<PolicySource> sources, String origin) throws PolicyLoadException {
        return load(base, sources, List.of(), origin).set();
    }

    /** A policy resource of the cluster: the version it holds now, and the last version that loaded (null: none yet). */
    public record Resource(PolicySource current, PolicySource lastGood) {
    }

    /**
     * What a load of files and resources gave.
     *
     * @param resourceErrors per resource (by source name): what is wrong with the version it holds now
     * @param lastGood       the resources whose version of now is in force (the next load's lastGood)
     */
    public record Loaded(PolicySet set, Map<String, List<PolicyError>> resourceErrors, Map<String, PolicySource> lastGood) {
    }

    /**
     * Files and resources into one set. The files are all or nothing (any error fails the load, and
     * the set in force stays); a resource is judged alone: a broken one is reported and stays out,
     * or keeps its last good version in force, and the rest of the set loads. A resource's policy
     * whose name a file already uses is refused, as is an exception that names no policy in force.
     */
    public Loaded load(List<PolicySource> base, List<PolicySource> files, List<Resource> resources, String origin) throws PolicyLoadException {
        List<PolicyError> errors = new ArrayList<>();
        List<Located> located = new ArrayList<>();
        for (PolicySource source : files) {
            located.addAll(documents(source, errors));
        }
        List<PolicyError> replaced = new ArrayList<>();
        Map<String, Located> own = new HashMap<>();
        located.stream().filter(PolicyLoader::isPolicy).forEach(d -> own.putIfAbsent(d.node().path("metadata").path("name").asText(), d));
        List<Located> kept = new ArrayList<>();
        for (PolicySource source : base) {
            for (Located document : documents(source, errors)) {
                Located replacement = isPolicy(document) ? own.get(document.node().path("metadata").path("name").asText()) : null;
                if (replacement == null) {
                    kept.add(document);
                } else if (!replacement.node().equals(document.node())) {
                    replaced.add(error(document, document.node().path("metadata").path("name").asText(), null,
                            "replaced by the policy of the same name in " + replacement.source().name()));
                }
            }
        }
        located.addAll(0, kept);
        Map<String, List<PolicyError>> resourceErrors = new LinkedHashMap<>();
        List<Resource> sorted = resources.stream().sorted(Comparator.comparing(r -> r.current().name())).toList();
        for (Resource resource : sorted) {
            List<PolicyError> ownErrors = new ArrayList<>();
            resourceErrors.put(resource.current().name(), ownErrors);
            located.addAll(documents(resource.current(), ownErrors));
        }
        // Kubernetes' own policies and bindings are translated first; the params objects they name are theirs.
        List<Located> admissionPolicies = located.stream().filter(d -> AdmissionPolicyReader.isAdmissionPolicy(d.node())).toList();
        List<Located> others = new ArrayList<>(located);
        others.removeAll(admissionPolicies);
        AdmissionPolicyReader reader = new AdmissionPolicyReader();
        java.util.Set<Located> usedAsParams = new java.util.HashSet<>();
        List<AdmissionPolicyReader.Translated> translated = admissionPolicies.isEmpty() ? List.of()
                : reader.read(admissionPolicies, others, usedAsParams);
        errors.addAll(reader.errors());
        others.removeAll(usedAsParams);
        // Compiling is CPU-bound (cel-java builds its type-checking environment for every
        // expression), so documents compile in parallel; names and errors are then taken in file order.
        Map<Expression, CelExpression> programs = new ConcurrentHashMap<>();
        List<Compiled> compiled = new ArrayList<>(others.parallelStream().map(document -> compile(document, programs)).toList());
        compiled.addAll(translated.parallelStream().map(t -> withLookup(compile(t.located(), t.document(), true, programs), t.lookup())).toList());
        Map<String, PolicySource> lastGood = new LinkedHashMap<>();
        for (Resource resource : sorted) {
            String key = resource.current().name();
            boolean broken = !resourceErrors.get(key).isEmpty()
                    || compiled.stream().anyMatch(c -> c.located().source() == resource.current() && !c.errors().isEmpty());
            if (!broken) {
                lastGood.put(key, resource.current());
            } else if (resource.lastGood() != null) {
                // The version that loaded before stays in force until this one is fixed.
                List<PolicyError> ignored = new ArrayList<>();
                compiled.stream().filter(c -> c.located().source() == resource.current())
                        .forEach(c -> resourceErrors.get(key).addAll(c.errors()));
                compiled.removeIf(c -> c.located().source() == resource.current());
                for (Located document : documents(resource.lastGood(), ignored)) {
                    Compiled before = compile(document, programs);
                    compiled.add(new Compiled(document, before.policy(), before.document(), List.of(), List.of()));
                }
                lastGood.put(key, resource.lastGood());
            }
        }
        List<CompiledPolicy> policies = new ArrayList<>();
        List<Compiled> exceptions = new ArrayList<>();
        Map<String, String> seen = new HashMap<>();
        List<PolicyError> warnings = new ArrayList<>(replaced);
        warnings.addAll(reader.warnings());
        for (Compiled document : compiled) {
            List<PolicyError> into = errorsOf(document.located(), errors, resourceErrors);
            into.addAll(document.errors());
            warnings.addAll(document.warnings());
            if (document.policy() == null) {
                if (document.errors().isEmpty() && document.document() != null && POLICY_EXCEPTION.equals(document.document().kind())) {
                    exceptions.add(document);
                }
                continue;
            }
            String earlier = seen.putIfAbsent(document.policy().name(), document.policy().source());
            if (earlier != null) {
                into.add(error(document.located(), document.policy().name(), "metadata.name",
                        "a policy of this name is already defined in " + earlier));
                lastGood.remove(document.located().source().name());
            } else {
                policies.add(document.policy());
            }
        }
        Map<String, CompiledPolicy> byName = new HashMap<>();
        policies.forEach(policy -> byName.put(policy.name(), policy));
        List<CompiledException> inForce = new ArrayList<>();
        Map<String, String> seenExceptions = new HashMap<>();
        for (Compiled document : exceptions) {
            List<PolicyError> into = errorsOf(document.located(), errors, resourceErrors);
            List<String> problems = new ArrayList<>();
            CompiledException exception = ExceptionCompiler.compile(label(document.located(), document.document().name()),
                    document.document(), name -> java.util.Optional.ofNullable(byName.get(name)), problems);
            into.addAll(located(document.located(), document.document().name(), problems));
            if (exception == null) {
                lastGood.remove(document.located().source().name());
                continue;
            }
            String earlier = seenExceptions.putIfAbsent(exception.id(), exception.source());
            if (earlier != null) {
                into.add(error(document.located(), exception.id(), "metadata.name", "an exception of this name is already defined in " + earlier));
                lastGood.remove(document.located().source().name());
            } else {
                inForce.add(exception);
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyLoadException(errors);
        }
        List<PolicySource> revisioned = new ArrayList<>(files);
        sorted.forEach(resource -> revisioned.add(resource.current()));
        policies.sort(Comparator.comparing(CompiledPolicy::name));
        inForce.sort(Comparator.comparing(CompiledException::id));
        this.inForce = programs;
        resourceErrors.values().removeIf(List::isEmpty);
        PolicySet set = new PolicySet(
                policies.stream().filter(p -> p.kind() == CompiledPolicy.Kind.VALIDATING).toList(),
                policies.stream().filter(p -> p.kind() == CompiledPolicy.Kind.MUTATING).toList(),
                origin, Instant.now(), warnings.stream().map(PolicyError::toString).toList(), revision(revisioned), inForce);
        return new Loaded(set, resourceErrors, lastGood);
    }

    /** The first 12 hex digits of SHA-256 over the files' names and contents, in name order. */
    static String revision(List<PolicySource> sources) {
        try {
            java.security.MessageDigest sha = java.security.MessageDigest.getInstance("SHA-256");
            sources.stream().sorted(Comparator.comparing(PolicySource::name)).forEach(source -> {
                sha.update(source.name().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(source.content().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sha.update((byte) 0);
            });
            return java.util.HexFormat.of().formatHex(sha.digest()).substring(0, 12);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /**
     * Whether a document is meant for us: of the harbormaster.dev group, or of one of our kinds. Others
     * beside the policies (a kustomization.yaml, a ConfigMap) are passed over with a warning; a
     * document that is ours and wrong (a typo in its apiVersion or kind) is an error.
     */
    private static boolean isOurs(JsonNode node) {
        String apiVersion = node.path("apiVersion").asText("");
        String kind = node.path("kind").asText("");
        return apiVersion.startsWith("harbormaster.dev/") || apiVersion.equals("harbormaster.dev")
                || VALIDATING_POLICY.equals(kind) || MUTATING_POLICY.equals(kind) || POLICY_EXCEPTION.equals(kind) || POLICY_TEST.equals(kind);
    }

    private static boolean isPolicy(Located document) {
        String kind = document.node().path("kind").asText();
        return VALIDATING_POLICY.equals(kind) || MUTATING_POLICY.equals(kind);

    }

    /**
     * What is wrong with a policy resource someone applies, against the set in force: what loading
     * it would report, a name a file (or another resource) already uses, an exception naming a
     * policy that is not in force, or one that has already expired. Each "field: message", as
     * {@code harbormaster test} ends its lines. Leaves the programs in force alone.
     */
    public List<String> check(PolicySource resource, PolicySet inForce) {
        List<PolicyError> errors = new ArrayList<>();
        Map<Expression, CelExpression> programs = new HashMap<>();
        for (Located document : documents(resource, errors)) {
            Compiled compiled = compile(document, programs);
            errors.addAll(compiled.errors());
            String name = compiled.document() == null ? null : compiled.document().name();
            if (compiled.policy() != null) {
                inForce.policy(compiled.policy().name()).filter(p -> !p.source().equals(resource.name())).ifPresent(p ->
                        errors.add(error(document, name, "metadata.name", "a policy of this name is already defined in " + p.source())));
            } else if (compiled.errors().isEmpty() && compiled.document() != null && POLICY_EXCEPTION.equals(compiled.document().kind())) {
                List<String> problems = new ArrayList<>();
                CompiledException exception = ExceptionCompiler.compile(resource.name(), compiled.document(), inForce::policy, problems);
                errors.addAll(located(document, name, problems));
                if (exception != null && exception.expired(Instant.now())) {
                    errors.add(error(document, name, "spec.expiresAt", "'" + exception.expiresAt()
                            + "' is in the past: an exception that has expired exempts nothing"));
                }
            }
        }
        return errors.stream().map(PolicyError::fieldAndMessage).toList();
    }

    /** Where a document's problems go: its resource's own list, or the files' (which fail the load). */
    private static List<PolicyError> errorsOf(Located located, List<PolicyError> fileErrors, Map<String, List<PolicyError>> resourceErrors) {
        return located.source().resource() ? resourceErrors.computeIfAbsent(located.source().name(), k -> new ArrayList<>()) : fileErrors;
    }

    /** How a compiled policy or exception names where it came from: the resource, or the file and document. */
    private static String label(Located located, String name) {
        return located.source().resource() ? located.source().name() : located.source().name() + " (document " + located.index() + ")";
    }

    /**
     * One document compiled: the policy (none for a test document, an exception, or a broken one),
     * the document as read (null when unreadable), what is wrong with it, what looks wrong.
     */
    private record Compiled(Located located, CompiledPolicy policy, PolicyDocument document, List<PolicyError> errors,
                            List<PolicyError> warnings) {
        Compiled(Located located, PolicyDocument document, List<PolicyError> errors) {
            this(located, null, document, errors, List.of());
        }
    }

    /** A translated policy with how its binding's paramRef finds its params at each request. */
    private static Compiled withLookup(Compiled compiled, ParamLookup lookup) {
        return compiled.policy() == null || lookup == null ? compiled : new Compiled(compiled.located(), compiled.policy().withLookup(lookup),
                compiled.document(), compiled.errors(), compiled.warnings());
    }

    private Compiled compile(Located located, Map<Expression, CelExpression> programs) {
        if (!isOurs(located.node())) {
            return new Compiled(located, null, null, List.of(), List.of(error(located, null, null, "not a Harbormaster document (apiVersion '"
                    + printable(located.node().path("apiVersion").asText("")) + "', kind '" + printable(located.node().path("kind").asText(""))
                    + "'): ignored")));
        }
        PolicyDocument document;
        try {
            document = YAML.treeToValue(located.node(), PolicyDocument.class);
        } catch (JsonProcessingException e) {
            return new Compiled(located, null, List.of(error(located, null, null, e.getOriginalMessage())));
        }
        if (POLICY_TEST.equals(document.kind())) {
            return new Compiled(located, document, List.of());
        }
        return compile(located, document, false, programs);
    }

    private Compiled compile(Located located, PolicyDocument document, boolean kubernetesOnly, Map<Expression, CelExpression> programs) {
        String name = document.name();
        if (!kubernetesOnly && !PolicyDocument.API_VERSION.equals(document.apiVersion())) {
            return new Compiled(located, document, List.of(
                    error(located, name, "apiVersion", "'" + printable(document.apiVersion()) + "' is not " + PolicyDocument.API_VERSION)));
        }
        if (!VALIDATING_POLICY.equals(document.kind()) && !MUTATING_POLICY.equals(document.kind())
                && !POLICY_EXCEPTION.equals(document.kind())) {
            return new Compiled(located, document, List.of(error(located, name, "kind", "'" + printable(document.kind()) + "' is not one of ["
                    + VALIDATING_POLICY + ", " + MUTATING_POLICY + ", " + POLICY_EXCEPTION + ", " + POLICY_TEST + "]")));
        }
        if (!kubernetesOnly && (name == null || name.length() > 63 || !name.matches("[a-z0-9]([-a-z0-9.]*[a-z0-9])?"))) {
            return new Compiled(located, document, List.of(error(located, name, "metadata.name", "'" + printable(name)
                    + "' is not a valid name (lower-case letters, digits,"
                    + " '-' and '.', at most 63 characters, so that opt-out.harbormaster.dev/<name> is a valid annotation key)")));
        }
        if (POLICY_EXCEPTION.equals(document.kind())) {
            // Compiled once the policies it names are known.
            return new Compiled(located, document, List.of());
        }
        if (document.namespace() != null) {
            return new Compiled(located, document, List.of(error(located, name, "metadata.namespace",
                    "a " + document.kind() + " is cluster-scoped; remove the namespace")));
        }
        List<String> problems = new ArrayList<>();
        List<String> doubts = new ArrayList<>();
        CompiledPolicy policy = compiler.compile(label(located, name), document,
                (text, resultType) -> program(new Expression(text, resultType, kubernetesOnly), programs), problems, doubts);
        return new Compiled(located, policy, document, located(located, name, problems), located(located, name, doubts));
    }

    private static List<PolicyError> located(Located located, String name, List<String> problems) {
        List<PolicyError> errors = new ArrayList<>();
        for (String problem : problems) {
            int colon = problem.indexOf(": ");
            errors.add(error(located, name, problem.substring(0, colon), problem.substring(colon + 2)));
        }
        return errors;
    }

    /** The program in force for the expression, or the one this load compiled for it, or a new one. */
    private CelExpression program(Expression expression, Map<Expression, CelExpression> programs) throws CelCompileException {
        try {
            return programs.computeIfAbsent(expression, key -> {
                CelExpression reused = inForce.get(key);
                try {
                    return reused != null ? reused : (key.kubernetesOnly() ? KUBERNETES : cel).compile(key.text(), key.resultType());
                } catch (CelCompileException e) {
                    throw new CompileFailure(e);
                }
            });
        } catch (CompileFailure e) {
            throw e.failure;
        }
    }

    /** Carries a compile error out of {@link Map#computeIfAbsent}, which takes no checked exceptions. */
    private static final class CompileFailure extends RuntimeException {
        private final CelCompileException failure;

        CompileFailure(CelCompileException failure) {
            super(null, null, false, false);
            this.failure = failure;
        }
    }

    private static PolicyError error(Located located, String policy, String field, String message) {
        return new PolicyError(located.source().name(), located.index(), lineOf(located, field), printable(policy), printable(field), oneLine(message));
    }

    /** A value from the file shown in an error: control characters escaped, at most 100 characters. */
    public static String printable(String value) {
        if (value == null) {
            return null;
        }
        StringBuilder shown = new StringBuilder();
        value.codePoints().limit(100).forEach(c -> {
            if (Character.isISOControl(c)) {
                shown.append(String.format("\\u%04x", c));
            } else {
                shown.appendCodePoint(c);
            }
        });
        return value.codePointCount(0, value.length()) > 100 ? shown + "…" : shown.toString();
    }

    /**
     * A parser's message as one line: snakeyaml's and CEL's run over several, with an excerpt and a
     * caret under it (indented lines, dropped: the error already gives file, line and column).
     */
    public static String oneLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        List<String> parts = new ArrayList<>();
        for (String line : message.split("\\R")) {
            if (!line.isBlank() && !Character.isWhitespace(line.charAt(0))) {
                parts.add(line.strip());
            }
        }
        String line = parts.isEmpty() ? message.strip() : String.join("; ", parts);
        return SNAKEYAML_EVENT.matcher(line).replaceAll(event -> switch (event.group(1)) {
            case "MappingStart" -> "a mapping ({ or a nested key: an unquoted {{ template }}?)";
            case "SequenceStart" -> "a list";
            case "Scalar" -> "a value";
            default -> "a YAML " + event.group(1).replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        });
    }

    /** Jackson quotes snakeyaml's events by their Java names: {@code <org.yaml.snakeyaml.events.MappingStartEvent(anchor=null, …)>}. */
    private static final java.util.regex.Pattern SNAKEYAML_EVENT = java.util.regex.Pattern.compile("<org\\.yaml\\.snakeyaml\\.events\\.(\\w+?)Event\\([^>]*\\)>");

    /**
     * The line of {@code field} (a path such as {@code spec.validations[0].expression}) in the
     * document, or of the deepest part of it that exists (a missing field: its parent); the tree
     * keeps no locations, so the document is read again, only when there is an error to report.
     */
    public static int lineOf(Located located, String field) {
        if (field == null || field.isEmpty()) {
            return located.line();
        }
        List<String> path = new ArrayList<>();
        for (String part : field.split("\\.|(?=\\[)")) {
            if (!part.isEmpty()) {
                path.add(part);
            }
        }
        try (JsonParser parser = YAML.getFactory().createParser(located.source().content())) {
            int index = 0;
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (++index == located.index()) {
                    return descend(parser, path, located.line());
                }
                parser.skipChildren();
            }
        } catch (IOException | RuntimeException e) {
            // the document was read once already; at worst the error keeps the document's line
        }
        return located.line();
    }

    /** From the value at the parser, follows {@code path}; the line of the last part found. */
    private static int descend(JsonParser parser, List<String> path, int line) throws IOException {
        for (String part : path) {
            if (part.startsWith("[") && parser.currentToken() == JsonToken.START_ARRAY) {
                int wanted = Integer.parseInt(part.substring(1, part.length() - 1));
                int at = 0;
                JsonToken token;
                while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null && at < wanted) {
                    parser.skipChildren();
                    at++;
                }
                if (token == null || token == JsonToken.END_ARRAY) {
                    return line;
                }
            } else if (parser.currentToken() == JsonToken.START_OBJECT) {
                boolean found = false;
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    boolean match = parser.currentName().equals(part);
                    parser.nextToken();
                    if (match) {
                        found = true;
                        break;
                    }
                    parser.skipChildren();
                }
                if (!found) {
                    return line;
                }
            } else {
                return line;
            }
            line = parser.currentTokenLocation().getLineNr();
        }
        return line;
    }

    /** Splits a file into its YAML documents; a syntax error is reported, the rest of the file skipped. */
    public static List<Located> documents(PolicySource source, List<PolicyError> errors) {
        List<Located> documents = new ArrayList<>();
        if (oversized(source, errors)) {
            return documents;
        }
        int index = 0;
        try (JsonParser parser = YAML.getFactory().createParser(source.content())) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                index++;
                int line = parser.currentTokenLocation().getLineNr();
                JsonNode node = YAML.readTree(parser);
                // An empty document (two --- lines in a row, a trailing ---) is text "" to Jackson: nothing to read.
                if (node == null || node.isNull() || node.isMissingNode() || (node.isTextual() && node.asText().isEmpty())) {
                    continue;
                }
                if (!node.isObject()) {
                    errors.add(new PolicyError(source.name(), index, line, null, null, "a document must be a map, not " + node.getNodeType()));
                    continue;
                }
                documents.add(new Located(source, index, line, node));
            }
        } catch (IOException e) {
            String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
            int line = e instanceof JsonProcessingException json && json.getLocation() != null ? json.getLocation().getLineNr() : 0;
            errors.add(new PolicyError(source.name(), Math.max(index, 1), line, null, null, "not valid YAML: " + oneLine(message)));
        }
        return documents;
    }

    /**
     * Marks a folder as an optional pack (the Pod Security Standards in {@code policies/pss/}): it
     * is passed over when a folder above it is read, and read when it is named itself.
     */
    public static final String OPTIONAL_PACK = ".optional-pack";

    /**
     * A document over {@link #MAX_DOCUMENT_CHARS}, found before snakeyaml reads it: snakeyaml's own
     * code point limit trips only once a token ends, and a 50 MB scalar is buffered (quadratically,
     * minutes) before that. Documents are told apart by their {@code ---} lines, as YAML writes them.
     */
    private static boolean oversized(PolicySource source, List<PolicyError> errors) {
        String text = source.content();
        if (text.length() <= MAX_DOCUMENT_CHARS) {
            return false;
        }
        int start = 0;
        int document = 1;
        int line = 1;
        int startLine = 1;
        for (int i = 0; i <= text.length(); i++) {
            boolean end = i == text.length();
            if (!end && text.charAt(i) != '\n') {
                continue;
            }
            line++;
            boolean separator = !end && text.startsWith("---", i + 1)
                    && (i + 4 >= text.length() || Character.isWhitespace(text.charAt(i + 4)));
            if (end || separator) {
                if (i - start > MAX_DOCUMENT_CHARS) {
                    errors.add(new PolicyError(source.name(), document, startLine, null, null, "the document is over the limit of "
                            + MAX_DOCUMENT_CHARS + " characters (the webhook's limit for a request); it was not read"));
                    return true;
                }
                start = i + 1;
                startLine = line;
                document++;
            }
        }
        return false;
    }

    /**
     * Every {@code .yaml}/{@code .yml} file below the directory, in path order, following links.
     * Hidden files and folders are passed over: a mounted ConfigMap keeps its real files in
     * {@code ..2026_01_01_00_00_00.123/} and links them from the top, so each would count twice.
     * So are folders below it that hold an {@link #OPTIONAL_PACK} file.
     */
    public static List<PolicySource> readDirectory(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            throw new IOException("policy directory " + directory + " does not exist or is not a directory");
        }
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(directory, java.util.EnumSet.of(java.nio.file.FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                new java.nio.file.SimpleFileVisitor<>() {
                    @Override
                    public java.nio.file.FileVisitResult visitFile(Path file, java.nio.file.attribute.BasicFileAttributes attributes) {
                        if (attributes.isRegularFile() && isPolicyFile(directory.relativize(file)) && !inOptionalPack(directory, file)) {
                            files.add(file);
                        }
                        return java.nio.file.FileVisitResult.CONTINUE;
                    }

                    @Override
                    public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                        // Listed, then gone (a temporary file renamed over a policy, a deleted one): the
                        // directory as it is now does not have it.
                        if (e instanceof java.nio.file.NoSuchFileException) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                        throw oneLine(e);
                    }
                });
        List<PolicySource> sources = new ArrayList<>();
        for (Path file : files.stream().sorted().toList()) {
            try {
                sources.add(new PolicySource(file.toString(), readText(file)));
            } catch (java.nio.file.NoSuchFileException gone) {
                // deleted between the listing and the read: as above
            }
        }
        return sources;
    }

    /** Whether a folder between the directory read (itself excluded) and the file is an optional pack. */
    private static boolean inOptionalPack(Path directory, Path file) {
        for (Path folder = file.getParent(); folder != null && !folder.equals(directory); folder = folder.getParent()) {
            if (Files.exists(folder.resolve(OPTIONAL_PACK))) {
                return true;
            }
        }
        return false;
    }

    /** A file as UTF-8 text, or an error that names it (the JDK's says only "Input length = 1"). */
    public static String readText(Path file) throws IOException {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IOException(file + ": not UTF-8 text (a binary file, or another encoding); YAML and JSON files are UTF-8");
        }
    }

    /** What went wrong walking a directory, in one line that names the path. */
    public static IOException oneLine(IOException e) {
        if (e instanceof java.nio.file.FileSystemLoopException loop) {
            return new IOException(loop.getFile() + ": a symbolic link loop (the link leads back to a directory that contains it)");
        }
        if (e instanceof java.nio.file.FileSystemException fs) {
            return new IOException(fs.getFile() + ": " + (fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName()));
        }
        return e;
    }

    /** The default pack from the class path (the jar, or target/classes in development). */
    public static List<PolicySource> readBundled() throws IOException {
        URL url = Thread.currentThread().getContextClassLoader().getResource(BUNDLED);
        if (url == null) {
            throw new IOException("the bundled policy pack '" + BUNDLED + "/' is not on the class path");
        }
        try {
            URI uri = url.toURI();
            if ("file".equals(uri.getScheme())) {
                return relabel(readDirectory(Path.of(uri)), Path.of(uri));
            }
            try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                Path root = jar.provider().getPath(uri);
                return relabel(readDirectory(root), root);
            }
        } catch (URISyntaxException e) {
            throw new IOException("cannot read the bundled policy pack at " + url, e);
        }
    }

    /** Names bundled files {@code policies/x.yaml}, whatever jar or folder they came from. */
    private static List<PolicySource> relabel(List<PolicySource> sources, Path root) {
        return sources.stream()
                .map(s -> new PolicySource(BUNDLED + "/" + root.relativize(root.getFileSystem().getPath(s.name())), s.content()))
                .toList();
    }

    private static boolean isPolicyFile(Path relative) {
        for (Path part : relative) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        String name = relative.getFileName().toString();
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }
}
