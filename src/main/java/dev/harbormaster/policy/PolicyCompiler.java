package dev.harbormaster.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.harbormaster.cel.ApplyConfigurations;
import dev.harbormaster.cel.CelCompileException;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.LabelSelectors;
import dev.harbormaster.policy.CompiledPolicy.Check;
import dev.harbormaster.policy.CompiledPolicy.Named;
import dev.harbormaster.policy.PolicySpec.Action;
import dev.harbormaster.policy.PolicySpec.FailurePolicy;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Turns one policy document into a {@link CompiledPolicy}: reads the spec strictly, checks what
 * the API server would check, compiles every CEL expression. Reports every problem it finds, each
 * with the field it is in, rather than stopping at the first.
 */
final class PolicyCompiler {

    private static final ObjectMapper STRICT = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    static {
        // A null in a list (resourceRules: [~], operations: [CREATE, ~]) is an error with its path, not an NPE later.
        STRICT.configOverride(List.class).setSetterInfo(
                com.fasterxml.jackson.annotation.JsonSetter.Value.forContentNulls(com.fasterxml.jackson.annotation.Nulls.FAIL));
    }
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    /** A validation's name, as a PolicyException names it. */
    private static final Pattern IDENTIFIER_OR_DASHED = Pattern.compile("[A-Za-z0-9]([-A-Za-z0-9_]{0,61}[A-Za-z0-9])?");
    private static final Set<String> OPERATIONS = Set.of("*", "CREATE", "UPDATE", "DELETE", "CONNECT");
    private static final Set<String> SCOPES = Set.of("*", "Cluster", "Namespaced");
    private static final Set<String> REASONS = Set.of("Unauthorized", "Forbidden", "Invalid", "RequestEntityTooLarge");

    /** Turns an expression into a program: compiles it, or hands back the same one compiled for the snapshot in force. */
    interface Expressions {
        CelExpression compile(String expression, CelType resultType) throws CelCompileException;
    }

    /** Collects the problems of one document while it compiles. */
    private static final class Context {
        final String source;
        final PolicyDocument.Metadata metadata;
        final Expressions expressions;
        /** A ValidatingAdmissionPolicy or MutatingAdmissionPolicy read by AdmissionPolicyReader, not a Harbormaster policy. */
        final boolean kubernetes;
        final List<String> errors = new ArrayList<>();
        /** What loads but is probably not what was meant ("field: message"). */
        final List<String> warnings = new ArrayList<>();

        Context(String source, PolicyDocument.Metadata metadata, Expressions expressions, boolean kubernetes) {
            this.source = source;
            this.kubernetes = kubernetes;
            this.metadata = metadata;
            this.expressions = expressions;
        }

        void error(String field, String message) {
            errors.add(field + ": " + message);
        }

        String description() {
            return metadata == null || metadata.annotations() == null ? null
                    : metadata.annotations().get(CompiledPolicy.DESCRIPTION_ANNOTATION);
        }

        CelExpression compile(String field, String expression, CelType resultType) {
            try {
                return expressions.compile(expression, resultType);
            } catch (CelCompileException e) {
                error(field, e.getMessage());
                return null;
            }
        }
    }

    /**
     * @return the compiled policy; never null when {@code errors} stayed empty
     * @param errors receives "field: message" for each problem
     * @param warnings receives "field: message" for what loads but is probably a mistake
     */
    CompiledPolicy compile(String source, PolicyDocument document, Expressions expressions, List<String> errors,
                           List<String> warnings) {
        Context context = new Context(source, document.metadata(), expressions,
                !PolicyDocument.API_VERSION.equals(document.apiVersion()));
        CompiledPolicy policy = null;
        if (PolicyLoader.MUTATING_POLICY.equals(document.kind())) {
            MutatingPolicySpec spec = readSpec(document.spec(), MutatingPolicySpec.class, context);
            policy = spec == null ? null : mutating(document.name(), spec, context);
        } else {
            PolicySpec spec = readSpec(document.spec(), PolicySpec.class, context);
            policy = spec == null ? null : validating(document.name(), spec, context);
        }
        errors.addAll(context.errors);
        warnings.addAll(context.warnings);
        return context.errors.isEmpty() ? policy : null;
    }

    private static <T> T readSpec(JsonNode node, Class<T> type, Context context) {
        return readSpec(node, type, context.errors);
    }

    /** The spec read strictly into its record; null, with "field: message" added to {@code errors}, when it does not fit. */
    static <T> T readSpec(JsonNode node, Class<T> type, List<String> errors) {
        if (node == null || !node.isObject()) {
            errors.add("spec: missing, or not a map");
            return null;
        }
        try {
            return STRICT.treeToValue(node, type);
        } catch (JsonProcessingException e) {
            errors.add(path(e) + ": " + describe(e));
            return null;
        }
    }

    /** What validating and mutating policies share: when they apply, and what their expressions read. */
    private record Common(MatchCriteria match, List<Named> conditions, List<Named> variables, Object params) {
    }

    private Common common(PolicySpec.MatchResources matchConstraints, List<PolicySpec.NamedExpression> matchConditions,
                          List<PolicySpec.NamedExpression> declaredVariables, JsonNode params, Context context) {
        MatchCriteria match = match(matchConstraints, context);

        List<Named> conditions = new ArrayList<>();
        Set<String> conditionNames = new HashSet<>();
        for (int i = 0; i < size(matchConditions); i++) {
            PolicySpec.NamedExpression condition = matchConditions.get(i);
            String field = "spec.matchConditions[" + i + "]";
            if (condition.name() == null || !conditionNames.add(condition.name())) {
                context.error(field + ".name", condition.name() == null ? "missing" : "duplicate name '" + condition.name() + "'");
            }
            conditions.add(new Named(condition.name(), context.compile(field + ".expression", condition.expression(), SimpleType.BOOL)));
        }

        List<Named> variables = new ArrayList<>();
        Set<String> variableNames = new HashSet<>();
        for (int i = 0; i < size(declaredVariables); i++) {
            PolicySpec.NamedExpression variable = declaredVariables.get(i);
            String field = "spec.variables[" + i + "]";
            if (variable.name() == null || !IDENTIFIER.matcher(variable.name()).matches()) {
                context.error(field + ".name", "'" + variable.name() + "' is not a valid CEL identifier");
            } else if (!variableNames.add(variable.name())) {
                context.error(field + ".name", "duplicate variable '" + variable.name() + "'");
            }
            variables.add(new Named(variable.name(), context.compile(field + ".expression", variable.expression(), SimpleType.DYN)));
        }
        return new Common(match, conditions, variables, params(params, context));
    }

    private CompiledPolicy validating(String name, PolicySpec spec, Context context) {
        Set<Action> actions = actions(spec.validationActions(), context);
        Common common = common(spec.matchConstraints(), spec.matchConditions(), spec.variables(), spec.params(), context);

        List<Check> validations = new ArrayList<>();
        Set<String> validationNames = new HashSet<>();
        for (int i = 0; i < size(spec.validations()); i++) {
            PolicySpec.Validation validation = spec.validations().get(i);
            String field = "spec.validations[" + i + "]";
            CelExpression expression = context.compile(field + ".expression", validation.expression(), SimpleType.BOOL);
            CelExpression messageExpression = validation.messageExpression() == null ? null
                    : context.compile(field + ".messageExpression", validation.messageExpression(), SimpleType.STRING);
            if (validation.reason() != null && !REASONS.contains(validation.reason())) {
                context.error(field + ".reason", "'" + validation.reason() + "' is not one of " + REASONS);
            }
            if (validation.name() != null && (!IDENTIFIER_OR_DASHED.matcher(validation.name()).matches()
                    || !validationNames.add(validation.name()))) {
                context.error(field + ".name", validationNames.contains(validation.name()) ? "duplicate name '" + validation.name() + "'"
                        : "'" + validation.name() + "' is not a valid name (letters, digits, '-' and '_', at most 63)");
            }
            validations.add(new Check(i, validation.name(), expression, validation.message(), messageExpression,
                    validation.reason() == null ? "Invalid" : validation.reason(), validation.fieldPath()));
        }

        List<Named> auditAnnotations = new ArrayList<>();
        for (int i = 0; i < size(spec.auditAnnotations()); i++) {
            PolicySpec.AuditAnnotation annotation = spec.auditAnnotations().get(i);
            String field = "spec.auditAnnotations[" + i + "]";
            if (annotation.key() == null || !annotation.key().matches("[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?")) {
                context.error(field + ".key", "'" + annotation.key() + "' is not a valid annotation key");
            }
            auditAnnotations.add(new Named(annotation.key(),
                    context.compile(field + ".valueExpression", annotation.valueExpression(), SimpleType.STRING)));
        }
        if (validations.isEmpty() && auditAnnotations.isEmpty()) {
            context.error("spec", "needs at least one of validations or auditAnnotations");
        }
        if (!context.errors.isEmpty()) {
            return null;
        }
        return new CompiledPolicy(name, CompiledPolicy.Kind.VALIDATING, context.source, actions,
                spec.failurePolicy() == null ? FailurePolicy.Fail : spec.failurePolicy(), common.match(),
                common.conditions(), common.variables(), validations, auditAnnotations, List.of(), common.params(),
                optOut(context, spec.allowOptOut()), Boolean.TRUE.equals(spec.ratchetOnUpdate()),
                MutatingPolicySpec.ReinvocationPolicy.Never, context.description(), null);
    }

    private CompiledPolicy mutating(String name, MutatingPolicySpec spec, Context context) {
        Common common = common(spec.matchConstraints(), spec.matchConditions(), spec.variables(), spec.params(), context);
        List<CompiledPolicy.Mutation> mutations = new ArrayList<>();
        for (int i = 0; i < size(spec.mutations()); i++) {
            MutatingPolicySpec.Mutation mutation = spec.mutations().get(i);
            String field = "spec.mutations[" + i + "]";
            if ("JSONPatch".equals(mutation.patchType())) {
                if (mutation.applyConfiguration() != null) {
                    context.error(field + ".applyConfiguration", "a JSONPatch mutation has no applyConfiguration");
                } else if (mutation.jsonPatch() == null) {
                    context.error(field + ".jsonPatch", "missing: give the expression that returns the patch operations");
                } else {
                    mutations.add(new CompiledPolicy.Mutation(field, context.compile(field + ".jsonPatch.expression",
                            mutation.jsonPatch().expression(), SimpleType.DYN), CompiledPolicy.PatchType.JSONPatch));
                }
            } else if ("ApplyConfiguration".equals(mutation.patchType())) {
                if (mutation.jsonPatch() != null) {
                    context.error(field + ".jsonPatch", "an ApplyConfiguration mutation has no jsonPatch");
                } else if (mutation.applyConfiguration() == null) {
                    context.error(field + ".applyConfiguration", "missing: give the expression that returns the Object{…} to merge");
                } else {
                    mutations.add(new CompiledPolicy.Mutation(field, context.compile(field + ".applyConfiguration.expression",
                            mutation.applyConfiguration().expression(), ApplyConfigurations.OBJECT), CompiledPolicy.PatchType.ApplyConfiguration));
                }
            } else {
                context.error(field + ".patchType", "'" + mutation.patchType() + "' is not one of [JSONPatch, ApplyConfiguration]");
            }
        }
        if (mutations.isEmpty() && context.errors.isEmpty()) {
            context.error("spec.mutations", "needs at least one mutation");
        }
        if (!context.errors.isEmpty()) {
            return null;
        }
        return new CompiledPolicy(name, CompiledPolicy.Kind.MUTATING, context.source, Set.of(),
                spec.failurePolicy() == null ? FailurePolicy.Fail : spec.failurePolicy(), common.match(),
                common.conditions(), common.variables(), List.of(), List.of(), mutations, common.params(),
                optOut(context, spec.allowOptOut()), false,
                spec.reinvocationPolicy() == null ? MutatingPolicySpec.ReinvocationPolicy.Never : spec.reinvocationPolicy(),
                context.description(), null);
    }

    private static CompiledPolicy.OptOut optOut(Context context, Boolean allowOptOut) {
        if (context.kubernetes) {
            return CompiledPolicy.OptOut.NOT_APPLICABLE;
        }
        return Boolean.TRUE.equals(allowOptOut) ? CompiledPolicy.OptOut.ALLOWED : CompiledPolicy.OptOut.REFUSED;
    }

    private static Set<Action> actions(List<Action> listed, Context context) {
        if (listed == null || listed.isEmpty()) {
            context.error("spec.validationActions", "needs at least one of Deny, Warn, Audit");
            return Set.of();
        }
        Set<Action> actions = EnumSet.copyOf(listed);
        if (actions.contains(Action.Deny) && actions.contains(Action.Warn)) {
            context.error("spec.validationActions", "Deny and Warn together make no sense: a denied request shows no warning");
        }
        return actions;
    }

    private static MatchCriteria match(PolicySpec.MatchResources constraints, Context context) {
        String field = "spec.matchConstraints";
        if (constraints == null) {
            context.error(field, "missing: say which resources the policy applies to (resourceRules)");
            return null;
        }
        if (constraints.resourceRules() == null || constraints.resourceRules().isEmpty()) {
            context.error(field + ".resourceRules", "needs at least one rule");
        }
        if ("Equivalent".equals(constraints.matchPolicy())) {
            // kube-apiserver would convert the object to the rule's version; a webhook gets it in the
            // version the request used and cannot convert it, so the rule would read the wrong shape.
            context.error(field + ".matchPolicy", "Equivalent is not supported: the webhook cannot convert objects between versions;"
                    + " use Exact (the default here) and list every version the policy reads");
        } else if (constraints.matchPolicy() != null && !"Exact".equals(constraints.matchPolicy())) {
            context.error(field + ".matchPolicy", "'" + constraints.matchPolicy() + "' is not one of [Exact]");
        }
        return new MatchCriteria(
                rules(constraints.resourceRules(), field + ".resourceRules", context),
                rules(constraints.excludeResourceRules(), field + ".excludeResourceRules", context),
                selector(constraints.namespaceSelector(), field + ".namespaceSelector", context),
                selector(constraints.objectSelector(), field + ".objectSelector", context));
    }

    private static List<MatchCriteria.Rule> rules(List<PolicySpec.ResourceRule> rules, String field, Context context) {
        List<MatchCriteria.Rule> compiled = new ArrayList<>();
        for (int i = 0; i < size(rules); i++) {
            PolicySpec.ResourceRule rule = rules.get(i);
            String at = field + "[" + i + "]";
            Set<String> operations = required(rule.operations(), at + ".operations", context);
            operations.stream().filter(op -> !OPERATIONS.contains(op))
                    .forEach(op -> context.error(at + ".operations", "'" + op + "' is not one of " + OPERATIONS));
            String scope = rule.scope() == null ? "*" : rule.scope();
            if (!SCOPES.contains(scope)) {
                context.error(at + ".scope", "'" + scope + "' is not one of " + SCOPES);
            }
            Set<String> groups = required(rule.apiGroups(), at + ".apiGroups", context);
            Set<String> resources = required(rule.resources(), at + ".resources", context);
            for (String resource : resources) {
                KnownResources.problem(List.copyOf(groups), resource)
                        .ifPresent(problem -> context.warnings.add(at + ".resources: " + problem));
            }
            compiled.add(new MatchCriteria.Rule(operations,
                    groups,
                    required(rule.apiVersions(), at + ".apiVersions", context),
                    List.copyOf(resources),
                    rule.resourceNames() == null ? Set.of() : Set.copyOf(rule.resourceNames()),
                    scope));
        }
        return compiled;
    }

    private static Set<String> required(List<String> values, String field, Context context) {
        if (values == null || values.isEmpty()) {
            context.error(field, "needs at least one value (\"*\" for all)");
            return Set.of();
        }
        return new LinkedHashSet<>(values);
    }

    private static Predicate<Map<?, ?>> selector(JsonNode node, String field, Context context) {
        try {
            return LabelSelectors.compile(toCel(node));
        } catch (IllegalArgumentException | IOException e) {
            context.error(field, e.getMessage());
            return labels -> true;
        }
    }

    private static Object params(JsonNode node, Context context) {
        try {
            return node == null ? Map.of() : toCel(node);
        } catch (IOException e) {
            context.error("spec.params", e.getMessage());
            return Map.of();
        }
    }

    static Object toCel(JsonNode node) throws IOException {
        return node == null || node.isNull() ? null : CelJson.read(STRICT.treeAsTokens(node));
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }

    private static String describe(JsonProcessingException e) {
        return BindingErrors.describe(e);
    }

    private static String path(JsonProcessingException e) {
        return BindingErrors.path("spec", e);
    }
}
