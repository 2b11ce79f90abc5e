package dev.harbormaster.policy;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.common.ast.CelExpr;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.CelPrinter;
import dev.harbormaster.cel.LabelSelectors;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads Kubernetes' own admission policies, {@code admissionregistration.k8s.io/v1}
 * ValidatingAdmissionPolicy and {@code v1beta1} MutatingAdmissionPolicy with their bindings, into
 * policy documents of Harbormaster's shape that the one {@link PolicyCompiler} compiles (in
 * Kubernetes' CEL environment, without Harbormaster's helpers) and the one engine runs.
 *
 * <p>Each binding becomes one policy, as kube-apiserver evaluates each binding: its
 * {@code matchResources} narrows the policy's {@code matchConstraints}, its {@code validationActions}
 * say what a failure does, its {@code paramRef} becomes a {@link ParamLookup} that the engine
 * resolves at each request (in the cluster, else among the params objects of the files read, which
 * are kept with it). A policy without a binding does nothing, as in the cluster. What cannot be
 * honoured is refused with why.
 */
final class AdmissionPolicyReader {

    static final String GROUP = "admissionregistration.k8s.io/";
    static final String VAP = "ValidatingAdmissionPolicy";
    static final String VAP_BINDING = "ValidatingAdmissionPolicyBinding";
    static final String MAP = "MutatingAdmissionPolicy";
    static final String MAP_BINDING = "MutatingAdmissionPolicyBinding";
    private static final Map<String, String> VERSIONS = Map.of(VAP, "v1", VAP_BINDING, "v1", MAP, "v1beta1", MAP_BINDING, "v1beta1");

    private static final ObjectMapper STRICT = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Whether the document is one of Kubernetes' admission policy kinds (of any version: a wrong one is an error). */
    static boolean isAdmissionPolicy(JsonNode node) {
        return node.path("apiVersion").asText().startsWith(GROUP) && VERSIONS.containsKey(node.path("kind").asText());
    }

    /**
     * A policy in Harbormaster's shape, with the policy document its expressions come from (for
     * errors) and, when its binding has a paramRef, how its params are looked up at each request.
     */
    record Translated(PolicyLoader.Located located, PolicyDocument document, ParamLookup lookup) {
    }

    /** The names kube-apiserver reads from metadata; the rest (uid, managedFields, …) is passed over. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    record Metadata(String name, String namespace, Map<String, String> labels) {
    }

    record ParamKind(String apiVersion, String kind) {
    }

    record ParamRef(String name, String namespace, JsonNode selector, String parameterNotFoundAction) {
    }

    /** A VAP validation: as Harbormaster's, without fieldPath, which VAP does not have. */
    record Validation(String expression, String message, String messageExpression, String reason) {
    }

    record Validating(ParamKind paramKind, PolicySpec.MatchResources matchConstraints, List<Validation> validations,
                      PolicySpec.FailurePolicy failurePolicy, List<PolicySpec.AuditAnnotation> auditAnnotations,
                      List<PolicySpec.NamedExpression> matchConditions, List<PolicySpec.NamedExpression> variables) {
    }

    record Expression(String expression) {
    }

    record Mutation(String patchType, Expression applyConfiguration, Expression jsonPatch) {
    }

    record Mutating(ParamKind paramKind, PolicySpec.MatchResources matchConstraints, List<PolicySpec.NamedExpression> variables,
                    List<Mutation> mutations, PolicySpec.FailurePolicy failurePolicy, List<PolicySpec.NamedExpression> matchConditions,
                    MutatingPolicySpec.ReinvocationPolicy reinvocationPolicy) {
    }

    record Binding(String policyName, ParamRef paramRef, PolicySpec.MatchResources matchResources, List<PolicySpec.Action> validationActions) {
    }

    private record Read<T>(PolicyLoader.Located located, String name, T spec) {
    }

    private final List<PolicyError> errors = new ArrayList<>();
    private final List<PolicyError> warnings = new ArrayList<>();

    List<PolicyError> errors() {
        return errors;
    }

    List<PolicyError> warnings() {
        return warnings;
    }

    /**
     * Translates the admission policy documents; {@code others} are the remaining documents, among
     * which the params objects are looked up. Returns the documents it used as params.
     */
    List<Translated> read(List<PolicyLoader.Located> policies, List<PolicyLoader.Located> others, Set<PolicyLoader.Located> usedAsParams) {
        Map<String, Read<Validating>> validating = new LinkedHashMap<>();
        Map<String, Read<Mutating>> mutating = new LinkedHashMap<>();
        List<Read<Binding>> bindings = new ArrayList<>();
        for (PolicyLoader.Located located : policies) {
            String kind = located.node().path("kind").asText();
            String apiVersion = located.node().path("apiVersion").asText();
            String expected = GROUP + VERSIONS.get(kind);
            if (!expected.equals(apiVersion)) {
                error(located, null, "apiVersion", "'" + apiVersion + "' is not " + expected + " (the version of " + kind + " read here)");
                continue;
            }
            Metadata metadata = metadata(located);
            if (metadata == null) {
                continue;
            }
            switch (kind) {
                case VAP -> spec(located, metadata.name(), Validating.class).ifPresent(spec -> put(validating, located, metadata.name(), spec));
                case MAP -> spec(located, metadata.name(), Mutating.class).ifPresent(spec -> put(mutating, located, metadata.name(), spec));
                default -> spec(located, metadata.name(), Binding.class).ifPresent(spec -> bindings.add(new Read<>(located, metadata.name(), spec)));
            }
        }
        Map<String, Integer> bindingsPerPolicy = new LinkedHashMap<>();
        bindings.forEach(b -> bindingsPerPolicy.merge(b.located().node().path("kind").asText() + "/" + b.spec().policyName(), 1, Integer::sum));
        List<Translated> translated = new ArrayList<>();
        for (Read<Binding> binding : bindings) {
            boolean mutatingBinding = MAP_BINDING.equals(binding.located().node().path("kind").asText());
            String policyName = binding.spec().policyName();
            if (policyName == null || policyName.isBlank()) {
                error(binding.located(), binding.name(), "spec.policyName", "missing: name the policy this binding applies");
                continue;
            }
            Read<?> policy = mutatingBinding ? mutating.get(policyName) : validating.get(policyName);
            if (policy == null) {
                error(binding.located(), binding.name(), "spec.policyName", "no " + (mutatingBinding ? MAP : VAP) + " named '" + policyName
                        + "' in the files read");
                continue;
            }
            boolean single = bindingsPerPolicy.get(binding.located().node().path("kind").asText() + "/" + policyName) == 1;
            String base = single ? policyName : policyName + "/" + binding.name();
            ParamKind paramKind = mutatingBinding ? ((Mutating) policy.spec()).paramKind() : ((Validating) policy.spec()).paramKind();
            Optional<ParamLookup> lookup = params(binding, paramKind, others, usedAsParams);
            if (lookup == null) {
                continue;
            }
            ObjectNode spec = mutatingBinding
                    ? mutatingSpec((Mutating) policy.spec(), binding, policy.located())
                    : validatingSpec((Validating) policy.spec(), binding, policy.located());
            if (spec != null) {
                translated.add(new Translated(policy.located(), new PolicyDocument(policy.located().node().path("apiVersion").asText(),
                        mutatingBinding ? PolicyLoader.MUTATING_POLICY : PolicyLoader.VALIDATING_POLICY,
                        new PolicyDocument.Metadata(base, null, null, null), spec), lookup.orElse(null)));
            }
        }
        validating.keySet().stream().filter(name -> bindings.stream().noneMatch(b -> name.equals(b.spec().policyName())
                        && VAP_BINDING.equals(b.located().node().path("kind").asText())))
                .forEach(name -> warning(validating.get(name).located(), name, "metadata.name",
                        "no ValidatingAdmissionPolicyBinding applies this policy, so it does nothing (as in the cluster)"));
        return translated;
    }

    private <T> void put(Map<String, Read<T>> byName, PolicyLoader.Located located, String name, T spec) {
        if (byName.containsKey(name)) {
            error(located, name, "metadata.name", "a policy of this kind and name is already defined in " + byName.get(name).located().source().name());
            return;
        }
        byName.put(name, new Read<>(located, name, spec));
    }

    private Metadata metadata(PolicyLoader.Located located) {
        try {
            Metadata metadata = STRICT.treeToValue(located.node().path("metadata"), Metadata.class);
            if (metadata == null || metadata.name() == null || metadata.name().isBlank()) {
                error(located, null, "metadata.name", "missing");
                return null;
            }
            return metadata;
        } catch (JsonProcessingException e) {
            error(located, null, "metadata", e.getOriginalMessage());
            return null;
        }
    }

    private <T> Optional<T> spec(PolicyLoader.Located located, String name, Class<T> type) {
        JsonNode spec = located.node().get("spec");
        if (spec == null || !spec.isObject()) {
            error(located, name, "spec", "missing, or not a map");
            return Optional.empty();
        }
        try {
            return Optional.of(STRICT.treeToValue(spec, type));
        } catch (com.fasterxml.jackson.databind.JsonMappingException e) {
            StringBuilder path = new StringBuilder("spec");
            e.getPath().forEach(r -> path.append(r.getFieldName() != null ? "." + r.getFieldName() : "[" + r.getIndex() + "]"));
            String message = e instanceof com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException
                    ? "unknown field (not in " + type.getSimpleName().toLowerCase() + " admission policies as read here)" : e.getOriginalMessage();
            error(located, name, path.toString(), message);
        } catch (JsonProcessingException e) {
            error(located, name, "spec", e.getOriginalMessage());
        }
        return Optional.empty();
    }

    /**
     * How a binding's paramRef finds its params: empty for a policy without paramKind, null (with
     * the error noted) for a paramRef that cannot be honoured. kube-apiserver looks the params up
     * at each request; so does the engine, in the cluster when it can be asked, else among the
     * params objects of the files read, which are kept here.
     */
    private Optional<ParamLookup> params(Read<Binding> binding, ParamKind kind, List<PolicyLoader.Located> others,
                                         Set<PolicyLoader.Located> usedAsParams) {
        ParamRef ref = binding.spec().paramRef();
        if (kind == null) {
            if (ref != null) {
                error(binding.located(), binding.name(), "spec.paramRef", "the policy has no paramKind, so there is nothing to resolve");
                return null;
            }
            return Optional.empty();
        }
        if (ref == null) {
            error(binding.located(), binding.name(), "spec.paramRef", "missing: the policy's paramKind " + kind.kind()
                    + " needs a paramRef (kube-apiserver treats the binding as misconfigured)");
            return null;
        }
        if (kind.apiVersion() == null || kind.kind() == null) {
            error(binding.located(), binding.name(), "spec.paramRef", "the policy's paramKind needs apiVersion and kind");
            return null;
        }
        if ((ref.name() == null) == (ref.selector() == null)) {
            error(binding.located(), binding.name(), "spec.paramRef", "give exactly one of name and selector");
            return null;
        }
        String action = ref.parameterNotFoundAction() == null ? "Deny" : ref.parameterNotFoundAction();
        if (!action.equals("Deny") && !action.equals("Allow")) {
            error(binding.located(), binding.name(), "spec.paramRef.parameterNotFoundAction", "'" + action + "' is not one of [Allow, Deny]");
            return null;
        }
        java.util.function.Predicate<Map<?, ?>> selector;
        try {
            selector = ref.selector() == null ? labels -> true : LabelSelectors.compile(CelJson.read(STRICT.treeAsTokens(ref.selector())));
        } catch (IllegalArgumentException | IOException e) {
            error(binding.located(), binding.name(), "spec.paramRef.selector", e.getMessage());
            return null;
        }
        String where = kind.kind() + " " + (ref.name() != null ? "'" + ref.name() + "'" : "selected by " + ref.selector())
                + (ref.namespace() != null ? " in namespace " + ref.namespace() : "");
        ParamLookup lookup = new ParamLookup(kind.apiVersion(), kind.kind(), ref.name(), ref.namespace(), selector, action.equals("Deny"),
                List.of(), where);
        List<Map<String, Object>> fromFiles = new ArrayList<>();
        for (PolicyLoader.Located other : others) {
            Object object;
            try {
                object = CelJson.read(STRICT.treeAsTokens(other.node()));
            } catch (IOException e) {
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = object instanceof Map<?, ?> ? (Map<String, Object>) object : null;
            if (map != null && lookup.names(map)) {
                String namespace = CelJson.string(CelJson.map(map, "metadata"), "namespace");
                if (ref.namespace() == null || ref.namespace().equals(namespace)) {
                    fromFiles.add(map);
                    usedAsParams.add(other);
                }
            }
        }
        if (fromFiles.isEmpty()) {
            warning(binding.located(), binding.name(), "spec.paramRef", "the " + where + " is not among the files read: it is looked up"
                    + " in the cluster at each request, and where the cluster cannot be asked the policy could not check");
        }
        return Optional.of(new ParamLookup(lookup.apiVersion(), lookup.kind(), lookup.name(), lookup.namespace(), selector,
                lookup.denyWhenNotFound(), List.copyOf(fromFiles), where));
    }

    private ObjectNode common(PolicySpec.MatchResources constraints, Binding binding,
                              List<PolicySpec.NamedExpression> conditions, List<PolicySpec.NamedExpression> variables,
                              PolicySpec.FailurePolicy failurePolicy, PolicyLoader.Located policy, String policyName) {
        ObjectNode spec = NODES.objectNode();
        ObjectNode match = intersect(constraints, binding.matchResources(), policy, policyName);
        if (match == null) {
            return null;
        }
        spec.set("matchConstraints", match);
        ArrayNode allConditions = NODES.arrayNode();
        for (PolicySpec.NamedExpression condition : list(conditions)) {
            allConditions.add(STRICT.valueToTree(condition));
        }
        if (!allConditions.isEmpty()) {
            spec.set("matchConditions", allConditions);
        }
        if (variables != null) {
            spec.set("variables", STRICT.valueToTree(variables));
        }
        if (failurePolicy != null) {
            spec.put("failurePolicy", failurePolicy.name());
        }
        spec.set("params", NODES.nullNode());
        return spec;
    }

    private ObjectNode validatingSpec(Validating policy, Read<Binding> binding, PolicyLoader.Located located) {
        if (binding.spec().validationActions() == null || binding.spec().validationActions().isEmpty()) {
            error(binding.located(), binding.name(), "spec.validationActions", "needs at least one of Deny, Warn, Audit");
            return null;
        }
        ObjectNode spec = common(policy.matchConstraints(), binding.spec(), policy.matchConditions(), policy.variables(),
                policy.failurePolicy(), located, binding.spec().policyName());
        if (spec == null) {
            return null;
        }
        spec.set("validationActions", STRICT.valueToTree(binding.spec().validationActions()));
        if (policy.validations() != null) {
            spec.set("validations", STRICT.valueToTree(policy.validations()));
        }
        if (policy.auditAnnotations() != null) {
            spec.set("auditAnnotations", STRICT.valueToTree(policy.auditAnnotations()));
        }
        return spec;
    }

    private ObjectNode mutatingSpec(Mutating policy, Read<Binding> binding, PolicyLoader.Located located) {
        if (binding.spec().validationActions() != null) {
            error(binding.located(), binding.name(), "spec.validationActions", "a MutatingAdmissionPolicyBinding has no validationActions");
            return null;
        }
        ObjectNode spec = common(policy.matchConstraints(), binding.spec(), policy.matchConditions(), policy.variables(),
                policy.failurePolicy(), located, binding.spec().policyName());
        if (spec == null) {
            return null;
        }
        if (policy.reinvocationPolicy() != null) {
            spec.put("reinvocationPolicy", policy.reinvocationPolicy().name());
        }
        ArrayNode mutations = spec.putArray("mutations");
        for (int i = 0; i < list(policy.mutations()).size(); i++) {
            Mutation mutation = policy.mutations().get(i);
            String field = "spec.mutations[" + i + "]";
            if ("ApplyConfiguration".equals(mutation.patchType())) {
                if (mutation.applyConfiguration() == null || mutation.applyConfiguration().expression() == null || mutation.jsonPatch() != null) {
                    error(located, binding.spec().policyName(), field, "needs patchType ApplyConfiguration with applyConfiguration.expression (and no jsonPatch)");
                    return null;
                }
                mutations.addObject().put("patchType", "ApplyConfiguration").putObject("applyConfiguration")
                        .put("expression", mutation.applyConfiguration().expression());
                continue;
            }
            if (!"JSONPatch".equals(mutation.patchType()) || mutation.jsonPatch() == null || mutation.jsonPatch().expression() == null
                    || mutation.applyConfiguration() != null) {
                error(located, binding.spec().policyName(), field, "needs patchType JSONPatch with jsonPatch.expression,"
                        + " or ApplyConfiguration with applyConfiguration.expression");
                return null;
            }
            try {
                mutations.addObject().put("patchType", "JSONPatch").putObject("jsonPatch")
                        .put("expression", typedObjectsAsMaps(mutation.jsonPatch().expression()));
            } catch (CelPrinter.Refusal refusal) {
                error(located, binding.spec().policyName(), field + ".jsonPatch.expression", refusal.getMessage());
                return null;
            }
        }
        return spec;
    }

    /**
     * A JSONPatch expression with its {@code JSONPatch{op: …}} objects as maps, the form the engine's
     * mutations return; the values are the same, so the patch is too.
     */
    static String typedObjectsAsMaps(String expression) throws CelPrinter.Refusal {
        return new CelPrinter((expr, printer) -> {
            if (expr.exprKind().getKind() != CelExpr.ExprKind.Kind.STRUCT) {
                return Optional.empty();
            }
            if (!expr.struct().messageName().equals("JSONPatch")) {
                throw new CelPrinter.Refusal("builds a " + expr.struct().messageName() + " object; a JSONPatch mutation builds JSONPatch objects");
            }
            StringBuilder text = new StringBuilder("{");
            for (int i = 0; i < expr.struct().entries().size(); i++) {
                CelExpr.CelStruct.Entry entry = expr.struct().entries().get(i);
                text.append(i == 0 ? "" : ", ").append(entry.optionalEntry() ? "?" : "").append(CelPrinter.quote(entry.fieldKey()))
                        .append(": ").append(printer.print(entry.value()));
            }
            return Optional.of(text.append('}').toString());
        }).print(expression);
    }

    /**
     * The policy's matchConstraints narrowed by the binding's matchResources: a request must match
     * both, as kube-apiserver requires. Rules intersect pairwise; selectors are joined (every
     * requirement of both); exclusions add up. Null when they cannot both match anything.
     */
    private ObjectNode intersect(PolicySpec.MatchResources policy, PolicySpec.MatchResources binding, PolicyLoader.Located located, String name) {
        if (policy == null) {
            error(located, name, "spec.matchConstraints", "missing: say which resources the policy applies to (resourceRules)");
            return null;
        }
        if ("Equivalent".equals(policy.matchPolicy()) || policy.matchPolicy() == null) {
            warning(located, name, "spec.matchConstraints.matchPolicy", (policy.matchPolicy() == null ? "absent (Kubernetes' default Equivalent)" : "Equivalent")
                    + " is evaluated as Exact: offline and in the webhook objects arrive in the version of the request, which the rules must list");
        }
        List<PolicySpec.ResourceRule> rules = policy.resourceRules();
        List<PolicySpec.ResourceRule> excluded = new ArrayList<>(list(policy.excludeResourceRules()));
        JsonNode namespaceSelector = policy.namespaceSelector();
        JsonNode objectSelector = policy.objectSelector();
        if (binding != null) {
            if (binding.resourceRules() != null && !binding.resourceRules().isEmpty()) {
                List<PolicySpec.ResourceRule> both = new ArrayList<>();
                for (PolicySpec.ResourceRule a : list(rules)) {
                    for (PolicySpec.ResourceRule b : binding.resourceRules()) {
                        intersect(a, b).ifPresent(both::add);
                    }
                }
                if (both.isEmpty()) {
                    error(located, name, "spec.matchConstraints", "no resource the binding's matchResources names is one the policy matches:"
                            + " the binding would apply to nothing");
                    return null;
                }
                rules = both;
            }
            excluded.addAll(list(binding.excludeResourceRules()));
            namespaceSelector = both(namespaceSelector, binding.namespaceSelector());
            objectSelector = both(objectSelector, binding.objectSelector());
        }
        PolicySpec.MatchResources narrowed = new PolicySpec.MatchResources(namespaceSelector, objectSelector, rules,
                excluded.isEmpty() ? null : excluded, "Exact");
        return STRICT.valueToTree(narrowed);
    }

    private static Optional<PolicySpec.ResourceRule> intersect(PolicySpec.ResourceRule a, PolicySpec.ResourceRule b) {
        List<String> operations = common(a.operations(), b.operations());
        List<String> groups = common(a.apiGroups(), b.apiGroups());
        List<String> versions = common(a.apiVersions(), b.apiVersions());
        Set<String> resources = new LinkedHashSet<>();
        for (String x : list(a.resources())) {
            for (String y : list(b.resources())) {
                narrower(x, y).ifPresent(resources::add);
            }
        }
        List<String> names = a.resourceNames() == null || a.resourceNames().isEmpty() ? b.resourceNames()
                : b.resourceNames() == null || b.resourceNames().isEmpty() ? a.resourceNames() : common(a.resourceNames(), b.resourceNames());
        String scope = a.scope() == null || a.scope().equals("*") ? b.scope() : b.scope() == null || b.scope().equals("*") || b.scope().equals(a.scope()) ? a.scope() : null;
        boolean scopesClash = scope == null && a.scope() != null && b.scope() != null && !a.scope().equals("*") && !b.scope().equals("*");
        if (operations.isEmpty() || groups.isEmpty() || versions.isEmpty() || resources.isEmpty() || (names != null && names.isEmpty()
                && !(list(a.resourceNames()).isEmpty() && list(b.resourceNames()).isEmpty())) || scopesClash) {
            return Optional.empty();
        }
        return Optional.of(new PolicySpec.ResourceRule(groups, versions, operations, List.copyOf(resources), names, scope));
    }

    /** The values both lists allow, {@code *} allowing any. */
    private static List<String> common(List<String> a, List<String> b) {
        if (list(a).contains("*")) {
            return list(b);
        }
        if (list(b).contains("*")) {
            return list(a);
        }
        return list(a).stream().filter(list(b)::contains).toList();
    }

    /** The resource pattern both match: {@code *} is every main resource, {@code x/*} x and its subresources, {@code *}{@code /*} all. */
    private static Optional<String> narrower(String x, String y) {
        if (covers(x, y)) {
            return Optional.of(y);
        }
        if (covers(y, x)) {
            return Optional.of(x);
        }
        return Optional.empty();
    }

    private static boolean covers(String wide, String narrow) {
        if (wide.equals(narrow) || wide.equals("*/*")) {
            return true;
        }
        if (wide.equals("*")) {
            return !narrow.contains("/");
        }
        if (wide.endsWith("/*")) {
            String resource = wide.substring(0, wide.length() - 2);
            return narrow.equals(resource) || narrow.startsWith(resource + "/");
        }
        return false;
    }

    /** A label selector requiring what both require: matchLabels become In requirements. */
    private static JsonNode both(JsonNode a, JsonNode b) {
        if (a == null || a.isNull() || a.isEmpty()) {
            return b;
        }
        if (b == null || b.isNull() || b.isEmpty()) {
            return a;
        }
        ArrayNode expressions = NODES.arrayNode();
        for (JsonNode selector : List.of(a, b)) {
            selector.path("matchLabels").fields().forEachRemaining(e -> expressions.addObject().put("key", e.getKey()).put("operator", "In")
                    .set("values", NODES.arrayNode().add(e.getValue())));
            selector.path("matchExpressions").forEach(expressions::add);
        }
        ObjectNode joined = NODES.objectNode();
        joined.set("matchExpressions", expressions);
        return joined;
    }

    private void error(PolicyLoader.Located located, String policy, String field, String message) {
        errors.add(new PolicyError(located.source().name(), located.index(), PolicyLoader.lineOf(located, field),
                PolicyLoader.printable(policy), field, PolicyLoader.oneLine(message)));
    }

    private void warning(PolicyLoader.Located located, String policy, String field, String message) {
        warnings.add(new PolicyError(located.source().name(), located.index(), PolicyLoader.lineOf(located, field),
                PolicyLoader.printable(policy), field, PolicyLoader.oneLine(message)));
    }

    private static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : values;
    }
}
