package dev.harbormaster.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.engine.Admission;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.BindingErrors;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicyDocument;
import dev.harbormaster.policy.PolicyError;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Runs the {@code PolicyTest} documents found beside policies: each case is an object (and
 * optionally an old object, a namespace's labels, a dry run) with the verdict the policies must
 * give. The build runs the default pack's tests this way; policy authors run their own.
 */
public final class PolicyTestRunner {

    static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS)
            .build();

    private final CelEnvironment cel;
    private final EvaluationLimits limits;
    private volatile List<String> loadWarnings = List.of();

    public PolicyTestRunner(CelEnvironment cel) {
        this(cel, EvaluationLimits.DEFAULT);
    }

    public PolicyTestRunner(CelEnvironment cel, EvaluationLimits limits) {
        this.cel = cel;
        this.limits = limits;
    }

    /** The spec of a PolicyTest document. */
    public record TestSpec(List<String> policies, Engine.Mode mode, List<Case> cases) {
    }

    /**
     * One case. {@code cluster} lists the objects the cluster holds (PDBs, HPAs, Deployments,
     * Namespaces); without it and without {@code namespaceLabels} the case runs offline, as with no
     * cluster connection. {@code serverVersion} ({@code 1.29}) is the API server's version the
     * case assumes. {@code params} are merged over the params of every policy under test.
     * {@code subResource} ({@code scale}, {@code status}) makes the case a request on that
     * subresource, with {@code resource} naming the resource when the object's kind does not
     * ({@code kubectl scale} sends an autoscaling/v1 Scale to {@code apps/v1 deployments/scale}).
     */
    public record Case(String name, String operation, String subResource, AdmissionInput.Resource resource,
                       String namespace, Map<String, String> namespaceLabels,
                       List<JsonNode> cluster, String serverVersion, JsonNode params, boolean dryRun, JsonNode object, JsonNode oldObject,
                       JsonNode userInfo, Expect expect) {
    }

    /**
     * What a case must give; a field left out is not checked.
     *
     * @param violations   exactly the policies that find a violation (or fail under failurePolicy Fail), whatever their action
     * @param errors       exactly the policies whose expressions failed under failurePolicy Fail
     * @param ignoredErrors exactly the policies whose errors were ignored (failurePolicy Ignore)
     * @param messages     texts each found within one result's message
     * @param warnings     how many warnings the responses carry
     * @param auditAnnotations exactly the keys of the responses' audit annotations
     * @param mutatedBy    exactly the mutating policies that change the object
     * @param object       fields the object must have after mutation (a subset of it)
     */
    public record Expect(Boolean allowed, List<String> violations, List<String> errors, List<String> ignoredErrors, List<String> messages,
                         Integer warnings, List<String> auditAnnotations, List<String> mutatedBy, JsonNode object) {
    }

    /**
     * One case's outcome; {@code failures} says what differed from what was expected.
     *
     * @param line     where the case starts in its file
     * @param warnings the admission warnings the case produced, as kube-apiserver would receive them
     * @param nanos    how long the case took (evaluation and checks)
     */
    public record CaseResult(String file, int line, String test, String name, List<String> failures, List<String> warnings, long nanos) {
        public boolean passed() {
            return failures.isEmpty();
        }

        /** {@code test/case}, what {@code --run} matches. */
        public String id() {
            return test + "/" + name;
        }
    }

    /** What loading the policies of the last {@link #run} warned about (a rule on resource "pod"). */
    public List<String> loadWarnings() {
        return loadWarnings;
    }

    /** Loads the policies in the sources and runs every PolicyTest in them against those policies. */
    public List<CaseResult> run(List<PolicySource> sources) throws PolicyLoadException {
        return run(List.of(), sources, id -> true);
    }

    /**
     * Loads the base pack with the sources over it (as {@link PolicyLoader#load(List, List, String)})
     * and runs the PolicyTests of the sources (of the base when there are none) against them. Every
     * test document is read before any case runs: one that cannot be used (a misspelt field, a policy
     * it names that is not loaded) fails the whole run, as a broken policy does.
     *
     * @param selected which cases to run, by {@link CaseResult#id()}
     */
    public List<CaseResult> run(List<PolicySource> base, List<PolicySource> sources, java.util.function.Predicate<String> selected)
            throws PolicyLoadException {
        PolicySet all = new PolicyLoader(cel).load(base, sources, "policy tests");
        loadWarnings = all.warnings();
        List<PolicyError> errors = new ArrayList<>();
        List<Runnable> tests = new ArrayList<>();
        List<CaseResult> results = new ArrayList<>();
        for (PolicySource source : sources.isEmpty() ? base : sources) {
            for (PolicyLoader.Located located : PolicyLoader.documents(source, errors)) {
                if (PolicyLoader.POLICY_TEST.equals(located.node().path("kind").asText())) {
                    prepare(located, all, errors, selected, results).ifPresent(tests::add);
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new PolicyLoadException(errors);
        }
        tests.forEach(Runnable::run);
        return results;
    }

    /** Reads a test document; what runs its (selected) cases, or empty with the errors recorded. */
    private Optional<Runnable> prepare(PolicyLoader.Located located, PolicySet all, List<PolicyError> errors,
                                       java.util.function.Predicate<String> selected, List<CaseResult> results) {
        String file = located.source().name();
        PolicyDocument document;
        TestSpec spec;
        try {
            document = STRICT.treeToValue(located.node(), PolicyDocument.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            errors.add(bindingError(located, null, "", e));
            return Optional.empty();
        }
        try {
            spec = STRICT.treeToValue(document.spec(), TestSpec.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            errors.add(bindingError(located, document.name(), "spec", e));
            return Optional.empty();
        }
        if (spec == null || spec.cases() == null || spec.cases().isEmpty()) {
            errors.add(new PolicyError(file, located.index(), PolicyLoader.lineOf(located, "spec.cases"), document.name(), "spec.cases", "no cases"));
            return Optional.empty();
        }
        Set<String> loaded = java.util.stream.Stream.concat(all.validating().stream(), all.mutating().stream()).map(CompiledPolicy::name)
                .collect(Collectors.toCollection(TreeSet::new));
        List<String> named = spec.policies() == null ? List.of() : spec.policies();
        for (int i = 0; i < named.size(); i++) {
            if (!loaded.contains(named.get(i))) {
                String field = "spec.policies[" + i + "]";
                errors.add(new PolicyError(file, located.index(), PolicyLoader.lineOf(located, field), document.name(), field,
                        "'" + named.get(i) + "' is not a loaded policy; loaded: " + String.join(", ", loaded)));
            }
        }
        PolicySet policySet = select(all, named);
        Engine engine = new Engine(spec.mode() == null ? Engine.Mode.ENFORCE : spec.mode(), limits);
        return Optional.of(() -> {
            for (int i = 0; i < spec.cases().size(); i++) {
                Case testCase = spec.cases().get(i);
                if (!selected.test(document.name() + "/" + testCase.name())) {
                    continue;
                }
                int line = PolicyLoader.lineOf(located, "spec.cases[" + i + "]");
                long start = System.nanoTime();
                List<String> failures = new ArrayList<>();
                List<String> warnings = new ArrayList<>();
                try {
                    AdmissionInput input = input(testCase);
                    PolicySet policies = withParams(policySet, testCase.params());
                    run(engine, input, policies, clusterView(testCase, input.namespace()), testCase.expect(), failures, warnings);
                } catch (IllegalArgumentException | IOException e) {
                    failures.add("unusable case: " + e.getMessage());
                }
                results.add(new CaseResult(file, line, document.name(), testCase.name(), failures, List.copyOf(warnings), System.nanoTime() - start));
            }
        });
    }

    /** A field of a test document that does not bind, by its YAML path and line. */
    private static PolicyError bindingError(PolicyLoader.Located located, String name, String root, Exception e) {
        String field = e instanceof JsonProcessingException json ? BindingErrors.path(root, json) : root;
        String message = e instanceof JsonProcessingException json ? BindingErrors.describe(json) : e.getMessage();
        return new PolicyError(located.source().name(), located.index(), PolicyLoader.lineOf(located, field), name,
                field.isEmpty() ? null : field, message);
    }

    /**
     * As the API server does: mutations first, then validations of the mutated object. Every
     * mutation is also checked to be idempotent, since the API server may call the webhook again.
     */
    private static void run(Engine engine, AdmissionInput input, PolicySet policies, ClusterView cluster, Expect expect,
                            List<String> failures, List<String> warnings) {
        Admission admission = engine.admit(input, policies, cluster);
        warnings.addAll(admission.mutation().warnings());
        warnings.addAll(admission.validation().warnings());
        if (admission.mutation().mutatedObject() != null) {
            Verdict again = engine.mutate(admission.mutated(), policies, cluster);
            if (again.patch() != null) {
                failures.add("the mutations are not idempotent: a second pass patched " + again.patch());
            }
        }
        check(expect, admission, failures);
    }

    /** The policies a test names (every one is checked to be loaded before), or all. */
    static PolicySet select(PolicySet all, List<String> names) {
        if (names.isEmpty()) {
            return all;
        }
        List<CompiledPolicy> validating = all.validating().stream().filter(p -> names.contains(p.name())).toList();
        List<CompiledPolicy> mutating = all.mutating().stream().filter(p -> names.contains(p.name())).toList();
        return all.with(validating, mutating);
    }

    /** The policies with the case's params laid over their own, key by key. */
    static PolicySet withParams(PolicySet policies, JsonNode params) throws IOException {
        if (params == null) {
            return policies;
        }
        Map<String, Object> overrides = toMap(params);
        java.util.function.Function<CompiledPolicy, CompiledPolicy> apply = policy -> {
            Map<String, Object> merged = new java.util.LinkedHashMap<>();
            // A binding's paramRef: the case's params go over the one params object the files give.
            Object base = policy.paramLookup() != null && policy.paramLookup().fromFiles().size() == 1
                    ? policy.paramLookup().fromFiles().get(0) : policy.params();
            if (base instanceof Map<?, ?> own) {
                own.forEach((key, value) -> merged.put(String.valueOf(key), value));
            }
            merged.putAll(overrides);
            return policy.withParams(merged);
        };
        return policies.with(policies.validating().stream().map(apply).toList(), policies.mutating().stream().map(apply).toList());
    }

    static AdmissionInput input(Case testCase) throws IOException {
        String operation = testCase.operation() == null ? "CREATE" : testCase.operation();
        AdmissionInput input = ManifestInput.of(operation, toMap(testCase.object()), toMap(testCase.oldObject()),
                testCase.namespace() == null ? "default" : testCase.namespace(), toMap(testCase.userInfo()), testCase.dryRun());
        if (testCase.subResource() == null && testCase.resource() == null) {
            return input;
        }
        return ManifestInput.onResource(input, testCase.resource(), testCase.subResource() == null ? "" : testCase.subResource());
    }

    static ClusterView clusterView(Case testCase, String namespace) throws IOException {
        if (testCase.namespaceLabels() == null && testCase.cluster() == null && testCase.serverVersion() == null) {
            return ClusterView.OFFLINE;
        }
        List<Map<String, Object>> objects = new ArrayList<>();
        if (testCase.namespaceLabels() != null) {
            objects.add(Map.of("apiVersion", "v1", "kind", "Namespace",
                    "metadata", Map.of("name", namespace, "labels", testCase.namespaceLabels())));
        }
        for (JsonNode object : testCase.cluster() == null ? List.<JsonNode>of() : testCase.cluster()) {
            objects.add(toMap(object));
        }
        return new StaticClusterView(objects, testCase.serverVersion());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toMap(JsonNode node) throws IOException {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isObject()) {
            throw new IllegalArgumentException("an object must be a map");
        }
        return (Map<String, Object>) CelJson.read(STRICT.treeAsTokens(node));
    }

    private static void check(Expect expect, Admission admission, List<String> failures) {
        if (expect == null) {
            failures.add("the case has no expect");
            return;
        }
        Verdict mutation = admission.mutation();
        Verdict deciding = admission.deciding();
        if (expect.allowed() != null && expect.allowed() != deciding.allowed()) {
            failures.add("expected " + (expect.allowed() ? "allowed" : "denied") + " but was "
                    + (deciding.allowed() ? "allowed" : "denied: " + deciding.denial().message()));
        }
        compare("mutations", expect.mutatedBy(), policies(mutation.results(), Set.of(Outcome.MUTATED)), failures);
        if (expect.object() != null) {
            JsonNode actual = CelJson.toJson(admission.mutated().object());
            if (!contains(actual, expect.object())) {
                failures.add("expected the object to contain " + expect.object() + "; it is " + actual);
            }
        }
        List<PolicyResult> results = new ArrayList<>(mutation.results());
        results.addAll(admission.validation().results());
        compare("violations", expect.violations(), policies(results, Set.of(Outcome.VIOLATION, Outcome.ERROR)), failures);
        compare("errors", expect.errors(), policies(results, Set.of(Outcome.ERROR)), failures);
        compare("ignored errors", expect.ignoredErrors(), policies(results, Set.of(Outcome.ERROR_IGNORED)), failures);
        if (expect.messages() != null) {
            List<String> messages = results.stream().map(PolicyResult::message).filter(m -> m != null).toList();
            for (String text : expect.messages()) {
                if (messages.stream().noneMatch(message -> message.contains(text))) {
                    failures.add("no message contains \"" + text + "\"; messages: " + (messages.isEmpty() ? "none" : String.join(" | ", messages)));
                }
            }
        }
        List<String> warnings = new ArrayList<>(mutation.warnings());
        warnings.addAll(admission.validation().warnings());
        if (expect.warnings() != null && expect.warnings() != warnings.size()) {
            failures.add("expected " + expect.warnings() + " warning(s), got " + warnings);
        }
        Set<String> auditAnnotations = new TreeSet<>(mutation.auditAnnotations().keySet());
        auditAnnotations.addAll(admission.validation().auditAnnotations().keySet());
        compare("audit annotations", expect.auditAnnotations(), auditAnnotations, failures);
    }

    /** Whether every field of {@code expected} is in {@code actual} with the same value (lists compared whole). */
    private static boolean contains(JsonNode actual, JsonNode expected) {
        if (expected.isObject()) {
            if (!actual.isObject()) {
                return false;
            }
            for (var field : (Iterable<Map.Entry<String, JsonNode>>) expected::fields) {
                if (!actual.has(field.getKey()) || !contains(actual.get(field.getKey()), field.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (expected.isArray() && actual.isArray() && expected.size() == actual.size()) {
            for (int i = 0; i < expected.size(); i++) {
                if (!contains(actual.get(i), expected.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return expected.isNumber() && actual.isNumber() ? expected.decimalValue().compareTo(actual.decimalValue()) == 0 : expected.equals(actual);
    }

    private static Set<String> policies(List<PolicyResult> results, Set<Outcome> outcomes) {
        return results.stream().filter(r -> outcomes.contains(r.outcome())).map(PolicyResult::policy)
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static void compare(String what, List<String> expected, Set<String> actual, List<String> failures) {
        if (expected != null && !new TreeSet<>(expected).equals(actual)) {
            failures.add("expected " + what + " " + new TreeSet<>(expected) + ", got " + actual);
        }
    }
}
