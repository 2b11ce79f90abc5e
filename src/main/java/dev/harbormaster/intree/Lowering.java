package dev.harbormaster.intree;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelPrinter;
import dev.harbormaster.cel.CelPrinter.Refusal;
import dev.harbormaster.policy.MutatingPolicySpec;
import dev.harbormaster.policy.PolicyDocument;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySpec;
import dev.harbormaster.policy.PolicySpec.Action;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Lowers a Harbormaster policy to what kube-apiserver runs itself: a ValidatingAdmissionPolicy
 * (v1) or MutatingAdmissionPolicy (v1beta1) with its binding, and a {@code PolicyParams} object
 * for its params. Harbormaster's helpers are expanded ({@link HelperExpansion}); its own fields
 * become standard ones:
 * <ul>
 * <li>{@code allowOptOut}: a match condition that skips an object (or pod template, or namespace)
 * with a non-blank {@code opt-out.harbormaster.dev/<policy>} annotation, and a companion Warn
 * policy {@code <policy>-opt-out} that says when an opt-out is ignored and audits the honoured one;</li>
 * <li>{@code ratchetOnUpdate}: each validation also passes when an UPDATE breaks it with the same
 * message as the old object did, and a companion policy {@code <policy>-ratchet} (Warn where the
 * policy denies) says so, as the webhook does;</li>
 * <li>{@code params}: {@code params.x} reads {@code params.spec.x} of the PolicyParams object the
 * binding names ({@link #PARAMS_API_VERSION}, a CRD the chart installs).</li>
 * </ul>
 * What cannot be expressed in Kubernetes' CEL (the {@code cluster} lookups) is refused with why.
 */
public final class Lowering {

    public static final String VAP_API_VERSION = "admissionregistration.k8s.io/v1";
    public static final String MAP_API_VERSION = "admissionregistration.k8s.io/v1beta1";
    public static final String PARAMS_API_VERSION = "params.harbormaster.dev/v1alpha1";
    public static final String PARAMS_KIND = "PolicyParams";
    /** Marks every object export writes, with the policy it came from. */
    public static final String LOWERED_FROM = "harbormaster.dev/lowered-from";
    public static final String RATCHET_SUFFIX = "-ratchet";
    public static final String OPT_OUT_SUFFIX = "-opt-out";
    static final String OPT_OUT_CONDITION = "harbormaster-opt-out";

    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final CelEnvironment KUBERNETES = CelEnvironment.kubernetesOnly();

    private Lowering() {
    }

    /** A policy lowered (the documents to apply, in order), or why it could not be. */
    public record Result(String policy, String kind, List<ObjectNode> documents, String refusal) {
        public boolean lowered() {
            return refusal == null;
        }

        static Result refused(String policy, String kind, String reason) {
            return new Result(policy, kind, List.of(), reason);
        }
    }

    /** Lowers one policy document (already loaded, so known to be valid). */
    public static Result lower(PolicyDocument document) {
        String name = document.name();
        try {
            if (PolicyLoader.MUTATING_POLICY.equals(document.kind())) {
                return mutating(document, JSON.treeToValue(document.spec(), MutatingPolicySpec.class));
            }
            return validating(document, JSON.treeToValue(document.spec(), PolicySpec.class));
        } catch (Refusal refusal) {
            return Result.refused(name, document.kind(), refusal.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return Result.refused(name, document.kind(), "its spec does not read: " + e.getOriginalMessage());
        }
    }

    private static final UnaryOperator<String> SAME = name -> name;

    /** The renames of the new object's expressions: params live in the PolicyParams object's spec. */
    private static UnaryOperator<String> identifiers(boolean hasParams, boolean old) {
        return name -> switch (name) {
            case "params" -> hasParams ? "params.spec" : name;
            case "object" -> old ? "oldObject" : name;
            default -> name;
        };
    }

    private static String oldVariable(String name) {
        return "hm_old_" + name;
    }

    private static Result validating(PolicyDocument document, PolicySpec spec) throws Refusal {
        String name = document.name();
        boolean hasParams = spec.params() != null && !spec.params().isNull();
        boolean ratchet = Boolean.TRUE.equals(spec.ratchetOnUpdate());
        boolean optOut = Boolean.TRUE.equals(spec.allowOptOut());
        Expressions now = new Expressions(identifiers(hasParams, false), SAME);
        Expressions old = new Expressions(identifiers(hasParams, true), Lowering::oldVariable);

        ArrayNode variables = variables(spec.variables(), now, SAME);
        if (ratchet) {
            variables.addAll(variables(spec.variables(), old, Lowering::oldVariable));
        }
        ArrayNode conditions = conditions(name, optOut, spec.matchConditions(), now);

        ArrayNode validations = NODES.arrayNode();
        ArrayNode ratchetValidations = NODES.arrayNode();
        for (int i = 0; i < list(spec.validations()).size(); i++) {
            PolicySpec.Validation validation = spec.validations().get(i);
            String where = "validations[" + i + "]";
            String expression = now.lower(where, validation.expression());
            String message = message(validation, now, where);
            ObjectNode lowered = NODES.objectNode();
            if (ratchet) {
                String ratcheted = "(request.operation == \"UPDATE\" && oldObject != null && !(" + old.lower(where, validation.expression())
                        + ") && " + message + " == " + message(validation, old, where) + ")";
                lowered.put("expression", "(" + expression + ") || " + ratcheted);
                ObjectNode warning = NODES.objectNode();
                warning.put("expression", "(" + expression + ") || !" + ratcheted);
                warning.put("messageExpression", dev.harbormaster.cel.CelPrinter.quote(dev.harbormaster.engine.Engine.RATCHETED_PREFIX) + " + " + message);
                copyReason(validation, warning);
                ratchetValidations.add(warning);
            } else {
                lowered.put("expression", expression);
            }
            if (validation.messageExpression() != null) {
                lowered.put("messageExpression", message);
            }
            lowered.put("message", staticMessage(validation));
            copyReason(validation, lowered);
            validations.add(lowered);
        }
        ArrayNode auditAnnotations = NODES.arrayNode();
        for (PolicySpec.AuditAnnotation annotation : list(spec.auditAnnotations())) {
            ObjectNode lowered = NODES.objectNode();
            lowered.put("key", annotation.key());
            lowered.put("valueExpression", now.lower("auditAnnotations " + annotation.key(), annotation.valueExpression()));
            auditAnnotations.add(lowered);
        }

        Set<Action> actions = EnumSet.copyOf(spec.validationActions());
        String failurePolicy = spec.failurePolicy() == null ? "Fail" : spec.failurePolicy().name();
        List<ObjectNode> documents = new ArrayList<>();
        ObjectNode main = validatingPolicy(document, name, failurePolicy, hasParams, spec.matchConstraints(), conditions, variables);
        putIfAny((ObjectNode) main.get("spec"), "validations", validations);
        putIfAny((ObjectNode) main.get("spec"), "auditAnnotations", auditAnnotations);
        documents.add(main);
        documents.add(binding("ValidatingAdmissionPolicyBinding", VAP_API_VERSION, name, name, hasParams, actions));
        if (ratchet) {
            ObjectNode companion = validatingPolicy(document, name + RATCHET_SUFFIX, failurePolicy, hasParams,
                    spec.matchConstraints(), conditions, variables);
            ((ObjectNode) companion.get("spec")).set("validations", ratchetValidations);
            documents.add(companion);
            documents.add(binding("ValidatingAdmissionPolicyBinding", VAP_API_VERSION, name + RATCHET_SUFFIX, name, hasParams,
                    ratcheted(actions)));
        }
        ObjectNode notices = validatingPolicy(document, name + OPT_OUT_SUFFIX, "Fail", false, spec.matchConstraints(),
                NODES.arrayNode(), NODES.arrayNode());
        ((ObjectNode) notices.get("spec")).set("validations", OptOuts.notices(name, optOut));
        if (optOut) {
            ((ObjectNode) notices.get("spec")).set("auditAnnotations", OptOuts.record(name));
        }
        documents.add(notices);
        documents.add(binding("ValidatingAdmissionPolicyBinding", VAP_API_VERSION, name + OPT_OUT_SUFFIX, null, false,
                EnumSet.of(Action.Warn)));
        if (hasParams) {
            documents.add(params(name, spec.params()));
        }
        return new Result(name, document.kind(), documents, null);
    }

    private static Result mutating(PolicyDocument document, MutatingPolicySpec spec) throws Refusal {
        String name = document.name();
        boolean hasParams = spec.params() != null && !spec.params().isNull();
        Expressions now = new Expressions(identifiers(hasParams, false), SAME);
        ArrayNode variables = variables(spec.variables(), now, SAME);
        ArrayNode conditions = conditions(name, Boolean.TRUE.equals(spec.allowOptOut()), spec.matchConditions(), now);
        ArrayNode mutations = NODES.arrayNode();
        for (int i = 0; i < list(spec.mutations()).size(); i++) {
            MutatingPolicySpec.Mutation mutation = spec.mutations().get(i);
            ObjectNode node = NODES.objectNode();
            if (mutation.applyConfiguration() != null) {
                // Its Object{…} literals are MutatingAdmissionPolicy's already; only the helpers are written out.
                String lowered = now.lowerApplyConfiguration("mutations[" + i + "]",
                        mutation.applyConfiguration().expression());
                node.put("patchType", "ApplyConfiguration");
                node.putObject("applyConfiguration").put("expression", lowered);
            } else {
                String lowered = now.lowerPatch("mutations[" + i + "]",
                        mutation.jsonPatch().expression());
                node.put("patchType", "JSONPatch");
                node.putObject("jsonPatch").put("expression", lowered);
            }
            mutations.add(node);
        }
        ObjectNode policy = envelope(MAP_API_VERSION, "MutatingAdmissionPolicy", name, document);
        ObjectNode body = policy.putObject("spec");
        body.put("failurePolicy", spec.failurePolicy() == null ? "Fail" : spec.failurePolicy().name());
        if (hasParams) {
            paramKind(body);
        }
        body.set("matchConstraints", matchConstraints(spec.matchConstraints()));
        putIfAny(body, "matchConditions", conditions);
        putIfAny(body, "variables", variables);
        body.set("mutations", mutations);
        body.put("reinvocationPolicy", spec.reinvocationPolicy() == null ? "Never" : spec.reinvocationPolicy().name());
        List<ObjectNode> documents = new ArrayList<>();
        documents.add(policy);
        documents.add(binding("MutatingAdmissionPolicyBinding", MAP_API_VERSION, name, hasParams ? name : null, hasParams, null));
        if (hasParams) {
            documents.add(params(name, spec.params()));
        }
        return new Result(name, document.kind(), documents, null);
    }

    /** Lowers one policy's expressions, naming the field a refusal comes from. */
    private record Expressions(UnaryOperator<String> identifiers, UnaryOperator<String> variables) {
        String lower(String field, String expression) throws Refusal {
            return checked(field, wrap(field, () -> HelperExpansion.lower(expression, identifiers, variables)));
        }

        /** An ApplyConfiguration mutation: checked as kube-apiserver compiles it (it must build an Object). */
        String lowerApplyConfiguration(String field, String expression) throws Refusal {
            String lowered = wrap(field, () -> HelperExpansion.lower(expression, identifiers, variables));
            try {
                KUBERNETES.compile(lowered, dev.harbormaster.cel.ApplyConfigurations.OBJECT);
                return lowered;
            } catch (dev.harbormaster.cel.CelCompileException e) {
                throw new Refusal(field + " lowered to CEL that Kubernetes' environment does not compile: "
                        + e.getMessage().lines().findFirst().orElse(""));
            }
        }

        /** A mutation: its map literals become the JSONPatch objects MutatingAdmissionPolicy wants. */
        String lowerPatch(String field, String expression) throws Refusal {
            HelperExpansion helpers = new HelperExpansion(identifiers, variables);
            CelPrinter printer = new CelPrinter((expr, p) -> {
                Optional<String> patch = JsonPatchLiterals.toStruct(expr, p);
                return patch.isPresent() ? patch : helpers.rewrite(expr, p);
            });
            String lowered = wrap(field, () -> printer.print(expression));
            // Checked with the literals as maps: this environment has no JSONPatch type.
            checked(field, wrap(field, () -> JsonPatchLiterals.toMaps(lowered)));
            return lowered;
        }
    }

    private interface Printing {
        String print() throws Refusal;
    }

    private static String wrap(String field, Printing printing) throws Refusal {
        try {
            return printing.print();
        } catch (Refusal refusal) {
            throw new Refusal(field + " " + refusal.getMessage());
        }
    }

    /** The lowered text must compile where kube-apiserver's CEL is all there is: a failure is a bug of the lowering, reported as such. */
    private static String checked(String field, String lowered) throws Refusal {
        try {
            KUBERNETES.compile(lowered, dev.cel.common.types.SimpleType.DYN);
            return lowered;
        } catch (dev.harbormaster.cel.CelCompileException e) {
            throw new Refusal(field + " lowered to CEL that Kubernetes' environment does not compile: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    /** The message as the webhook shows it: messageExpression's text, else the message, else the rule. */
    private static String message(PolicySpec.Validation validation, Expressions expressions, String where) throws Refusal {
        if (validation.messageExpression() != null) {
            return "(" + expressions.lower(where + ".messageExpression", validation.messageExpression()) + ")";
        }
        return CelPrinter.quote(staticMessage(validation));
    }

    /** The static message, one line (kube-apiserver refuses line breaks); for no message, the webhook's "failed expression". */
    private static String staticMessage(PolicySpec.Validation validation) {
        if (validation.message() != null && !validation.message().isBlank()) {
            return dev.harbormaster.engine.Engine.oneLine(validation.message());
        }
        return "failed expression: " + validation.expression();
    }

    /** VAP's validations have no fieldPath (the webhook puts it only into PolicyReports, which background audit still writes). */
    private static void copyReason(PolicySpec.Validation validation, ObjectNode into) {
        into.put("reason", validation.reason() == null ? "Invalid" : validation.reason());
    }

    private static Set<Action> ratcheted(Set<Action> actions) {
        Set<Action> softened = EnumSet.copyOf(actions);
        if (softened.remove(Action.Deny)) {
            softened.add(Action.Warn);
        }
        return softened;
    }

    private static ObjectNode validatingPolicy(PolicyDocument document, String name, String failurePolicy, boolean hasParams,
                                               PolicySpec.MatchResources match, ArrayNode conditions, ArrayNode variables) {
        ObjectNode policy = envelope(VAP_API_VERSION, "ValidatingAdmissionPolicy", name, document);
        ObjectNode spec = policy.putObject("spec");
        spec.put("failurePolicy", failurePolicy);
        if (hasParams) {
            paramKind(spec);
        }
        spec.set("matchConstraints", matchConstraints(match));
        putIfAny(spec, "matchConditions", conditions.deepCopy());
        putIfAny(spec, "variables", variables.deepCopy());
        return policy;
    }

    private static void paramKind(ObjectNode spec) {
        spec.putObject("paramKind").put("apiVersion", PARAMS_API_VERSION).put("kind", PARAMS_KIND);
    }

    /** An object the export writes: apiVersion, kind, name and the label that says Harbormaster manages it. */
    static ObjectNode managed(String apiVersion, String kind, String name) {
        ObjectNode node = NODES.objectNode();
        node.put("apiVersion", apiVersion);
        node.put("kind", kind);
        ObjectNode metadata = node.putObject("metadata");
        metadata.put("name", name);
        metadata.putObject("labels").put("app.kubernetes.io/managed-by", "harbormaster");
        return node;
    }

    private static ObjectNode envelope(String apiVersion, String kind, String name, PolicyDocument from) {
        ObjectNode node = managed(apiVersion, kind, name);
        ObjectNode annotations = ((ObjectNode) node.get("metadata")).putObject("annotations");
        annotations.put(LOWERED_FROM, from.name());
        String description = from.metadata().annotations() == null ? null : from.metadata().annotations().get("harbormaster.dev/description");
        if (description != null) {
            annotations.put("harbormaster.dev/description", description);
        }
        return node;
    }

    /** Kubernetes' matchPolicy defaults to Equivalent; the webhook matches Exact, so the lowering says so. */
    private static ObjectNode matchConstraints(PolicySpec.MatchResources match) {
        ObjectNode node = JSON.valueToTree(match);
        node.put("matchPolicy", "Exact");
        removeNulls(node);
        return node;
    }

    private static void removeNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> empty = new ArrayList<>();
            object.fields().forEachRemaining(field -> {
                if (field.getValue().isNull()) {
                    empty.add(field.getKey());
                } else {
                    removeNulls(field.getValue());
                }
            });
            object.remove(empty);
        } else if (node instanceof ArrayNode array) {
            array.forEach(Lowering::removeNulls);
        }
    }

    private static ObjectNode binding(String kind, String apiVersion, String name, String paramsName, boolean hasParams, Set<Action> actions) {
        ObjectNode node = managed(apiVersion, kind, name);
        ObjectNode spec = node.putObject("spec");
        spec.put("policyName", name);
        if (hasParams) {
            spec.putObject("paramRef").put("name", paramsName).put("parameterNotFoundAction", "Deny");
        }
        if (actions != null) {
            ArrayNode list = spec.putArray("validationActions");
            actions.stream().sorted().forEach(action -> list.add(action.name()));
        }
        return node;
    }

    private static ObjectNode params(String name, JsonNode params) {
        ObjectNode node = managed(PARAMS_API_VERSION, PARAMS_KIND, name);
        node.set("spec", params.deepCopy());
        return node;
    }

    private static ObjectNode named(String name, String expression) {
        ObjectNode node = NODES.objectNode();
        node.put("name", name);
        node.put("expression", expression);
        return node;
    }

    /** A policy's variables lowered, each under the name {@code rename} gives it. */
    private static ArrayNode variables(List<PolicySpec.NamedExpression> declared, Expressions expressions, UnaryOperator<String> rename)
            throws Refusal {
        ArrayNode variables = NODES.arrayNode();
        for (PolicySpec.NamedExpression variable : list(declared)) {
            variables.add(named(rename.apply(variable.name()), expressions.lower("variables." + variable.name(), variable.expression())));
        }
        return variables;
    }

    /** The opt-out condition where the policy allows one, then the policy's own match conditions lowered. */
    private static ArrayNode conditions(String policy, boolean optOut, List<PolicySpec.NamedExpression> declared, Expressions expressions)
            throws Refusal {
        ArrayNode conditions = NODES.arrayNode();
        if (optOut) {
            conditions.add(named(OPT_OUT_CONDITION, OptOuts.notOptedOut(policy)));
        }
        for (PolicySpec.NamedExpression condition : list(declared)) {
            conditions.add(named(condition.name(), expressions.lower("matchConditions " + condition.name(), condition.expression())));
        }
        return conditions;
    }

    private static void putIfAny(ObjectNode into, String field, ArrayNode values) {
        if (!values.isEmpty()) {
            into.set(field, values);
        }
    }

    private static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : values;
    }
}
