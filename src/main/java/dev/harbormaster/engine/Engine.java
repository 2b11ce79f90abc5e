package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cel.runtime.CelEvaluationException;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.Workloads;
import dev.harbormaster.cluster.ClusterUnavailable;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.MatchCriteria;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySpec.Action;
import io.fabric8.zjsonpatch.JsonPatch;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The one engine: every verdict, whichever door the request came through, is made here.
 * Matching (request attributes and labels) comes first and is cheap; CEL runs only for the
 * policies that match. No failure of a policy escapes: it becomes that policy's result, shaped by
 * its failurePolicy.
 */
@Singleton
public class Engine {

    /** Server-wide: enforce as written, or turn every Deny into Warn + Audit for a first roll-out. */
    public enum Mode { ENFORCE, AUDIT }

    /** kubectl prints warnings whole up to this length; the API server may truncate beyond it. */
    static final int MAX_WARNING_LENGTH = 256;

    private static final java.util.regex.Pattern LINE_BREAK = java.util.regex.Pattern.compile("\\s*\\R\\s*");

    private final Mode mode;

    @Inject
    public Engine(@ConfigProperty(name = "harbormaster.mode", defaultValue = "enforce") Mode mode) {
        this.mode = mode;
    }

    public Mode mode() {
        return mode;
    }

    /** Runs the validating policies: the verdict of {@code /validate}. */
    public Verdict evaluate(AdmissionInput input, PolicySet policies, ClusterView cluster) {
        Map<String, Object> namespaceObject = namespaceObject(input, cluster);
        MatchCriteria.Request request = attributes(input);
        Decision decision = new Decision();
        for (CompiledPolicy policy : policies.validatingFor(request)) {
            if (selected(policy.match(), input, namespaceObject)) {
                evaluate(policy, input, namespaceObject, cluster, decision);
            }
        }
        return decision.verdict();
    }

    /**
     * Runs the mutating policies in name order, each on the object as the ones before left it: the
     * verdict of {@code /mutate}, with one JSONPatch from the object sent to the final one. A policy
     * whose mutation fails leaves no change (and denies under failurePolicy Fail).
     */
    public Verdict mutate(AdmissionInput input, PolicySet policies, ClusterView cluster) {
        Decision decision = new Decision();
        if (input.object() == null) {
            return decision.verdict();
        }
        Map<String, Object> namespaceObject = namespaceObject(input, cluster);
        MatchCriteria.Request request = attributes(input);
        JsonNode current = CelJson.toJson(input.object());
        AdmissionInput currentInput = input;
        List<String> mutatedBy = new ArrayList<>();
        for (CompiledPolicy policy : policies.mutatingFor(request)) {
            if (!selected(policy.match(), currentInput, namespaceObject)) {
                continue;
            }
            Set<Action> actions = effectiveActions(EnumSet.of(Action.Deny));
            if (optedOut(policy, actions, currentInput, namespaceObject, decision)) {
                continue;
            }
            if (!conditionsHold(policy, actions, new Activation(currentInput, policy, namespaceObject, cluster), decision)) {
                continue;
            }
            JsonNode before = current;
            AdmissionInput beforeInput = currentInput;
            ArrayNode policyPatch = JsonNodeFactory.instance.arrayNode();
            try {
                for (CompiledPolicy.Named mutation : policy.mutations()) {
                    ArrayNode operations = patchOperations(eval(mutation.expression(), new Activation(currentInput, policy, namespaceObject, cluster)), mutation.name());
                    if (!operations.isEmpty()) {
                        current = applyPatch(operations, current, mutation.name());
                        currentInput = currentInput.withObject(asMap(current));
                        policyPatch.addAll(operations);
                    }
                }
            } catch (EvaluationFailure e) {
                if (e instanceof Unchecked) {
                    decision.unchecked(policy, actions, e.getMessage());
                } else {
                    decision.failed(policy, actions, "", e.getMessage());
                }
                current = before;
                currentInput = beforeInput;
                continue;
            }
            if (current.equals(before)) {
                decision.add(new PolicyResult(policy.name(), Outcome.PASS, actions, null, null, null));
            } else {
                decision.patch.addAll(policyPatch);
                mutatedBy.add(policy.name());
                decision.add(new PolicyResult(policy.name(), Outcome.MUTATED, actions, null, null, null));
            }
        }
        if (!mutatedBy.isEmpty()) {
            ArrayNode record = recordMutation(current, mutatedBy);
            current = JsonPatch.apply(record, current);
            decision.patch.addAll(record);
            decision.mutatedObject = asMap(current);
        }
        return decision.verdict();
    }

    /** The annotation that tells {@code kubectl get -o yaml} readers which policies changed the object. */
    public static final String MUTATED_ANNOTATION = "harbormaster.dev/mutated";

    private static ArrayNode recordMutation(JsonNode object, List<String> mutatedBy) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (!object.path("metadata").isObject()) {
            // No metadata to annotate (never so from kube-apiserver): the policies' own patch stands, unrecorded.
            return nodes.arrayNode();
        }
        JsonNode annotations = object.path("metadata").path("annotations");
        java.util.TreeSet<String> names = new java.util.TreeSet<>(mutatedBy);
        ObjectNode operation = nodes.objectNode().put("op", "add");
        if (annotations.isObject()) {
            String earlier = annotations.path(MUTATED_ANNOTATION).asText("");
            java.util.Arrays.stream(earlier.split(",")).filter(n -> !n.isBlank()).forEach(names::add);
            operation.put("path", "/metadata/annotations/" + MUTATED_ANNOTATION.replace("~", "~0").replace("/", "~1"))
                    .put("value", String.join(",", names));
        } else {
            operation.put("path", "/metadata/annotations")
                    .set("value", nodes.objectNode().put(MUTATED_ANNOTATION, String.join(",", names)));
        }
        return nodes.arrayNode().add(operation);
    }

    /** The operations an expression returned, checked to be a JSONPatch that stays off status. */
    private static ArrayNode patchOperations(Object result, String field) throws EvaluationFailure {
        if (!(result instanceof List<?> list)) {
            throw new EvaluationFailure(field + " must return a list of JSONPatch operations, not " + result);
        }
        ArrayNode operations = JsonNodeFactory.instance.arrayNode();
        for (Object item : list) {
            JsonNode operation = CelJson.toJson(item);
            String path = operation.path("path").asText("");
            if (!operation.path("op").isTextual() || !path.startsWith("/")) {
                throw new EvaluationFailure(field + " returned " + operation + ", not a JSONPatch operation with op and path");
            }
            if (path.equals("/status") || path.startsWith("/status/")) {
                throw new EvaluationFailure(field + " may not change status (" + path + ")");
            }
            operations.add(operation);
        }
        return operations;
    }

    private static JsonNode applyPatch(ArrayNode operations, JsonNode object, String field) throws EvaluationFailure {
        try {
            return JsonPatch.apply(operations, object);
        } catch (RuntimeException e) {
            throw new EvaluationFailure(field + " does not apply to the object: " + e.getMessage() + " in " + operations);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode object) {
        return (Map<String, Object>) CelJson.fromJson(object);
    }

    private static MatchCriteria.Request attributes(AdmissionInput input) {
        return new MatchCriteria.Request(input.operation(), input.resource().group(), input.resource().version(),
                input.resource().resource(), input.subResource(), input.name(), input.namespaced());
    }

    /** The label selectors of a policy whose resource rules match (the policy set picks those). */
    private static boolean selected(MatchCriteria match, AdmissionInput input, Map<String, Object> namespaceObject) {
        // Cluster-scoped objects other than a Namespace are not subject to namespaceSelector.
        boolean namespaceSelected = !input.namespaced() && !input.resource().resource().equals("namespaces")
                || match.namespaceSelector().test(labels(input.namespaced() ? namespaceObject : input.object()));
        return namespaceSelected
                && (match.objectSelector().test(labels(input.object())) || match.objectSelector().test(labels(input.oldObject())));
    }

    /** Whether every matchCondition holds; a failing one is recorded per failurePolicy and counts as no. */
    private static boolean conditionsHold(CompiledPolicy policy, Set<Action> actions, Activation activation, Decision decision) {
        for (CompiledPolicy.Named condition : policy.matchConditions()) {
            try {
                if (!Boolean.TRUE.equals(eval(condition.expression(), activation))) {
                    return false;
                }
            } catch (Unchecked e) {
                decision.unchecked(policy, actions, e.getMessage());
                return false;
            } catch (EvaluationFailure e) {
                decision.failed(policy, actions, "matchConditions '" + condition.name() + "'", e.getMessage());
                return false;
            }
        }
        return true;
    }

    private void evaluate(CompiledPolicy policy, AdmissionInput input, Map<String, Object> namespaceObject, ClusterView cluster,
                          Decision decision) {
        Set<Action> actions = effectiveActions(policy.actions());
        if (optedOut(policy, actions, input, namespaceObject, decision)) {
            return;
        }
        Activation activation = new Activation(input, policy, namespaceObject, cluster);
        if (!conditionsHold(policy, actions, activation, decision)) {
            return;
        }
        int resultsBefore = decision.results.size();
        for (CompiledPolicy.Check check : policy.validations()) {
            String field = "validations[" + check.index() + "]";
            try {
                Object result = eval(check.expression(), activation);
                if (Boolean.TRUE.equals(result)) {
                    continue;
                }
                if (!(result instanceof Boolean)) {
                    throw new EvaluationFailure("evaluated to " + result + ", not a bool");
                }
                String message = message(check, activation);
                if (policy.ratchetOnUpdate() && message.equals(messageBefore(check, policy, input, namespaceObject, cluster))) {
                    decision.add(new PolicyResult(policy.name(), Outcome.VIOLATION, ratcheted(actions),
                            "not blocking this update, the object broke this rule the same way before it: " + message,
                            check.reason(), check.fieldPath()));
                    continue;
                }
                decision.add(new PolicyResult(policy.name(), Outcome.VIOLATION, actions, message, check.reason(), check.fieldPath()));
            } catch (Unchecked e) {
                decision.unchecked(policy, actions, e.getMessage());
                return;
            } catch (EvaluationFailure e) {
                decision.failed(policy, actions, field, e.getMessage());
            }
        }
        for (CompiledPolicy.Named annotation : policy.auditAnnotations()) {
            try {
                Object value = eval(annotation.expression(), activation);
                if (value instanceof String text && !text.isEmpty()) {
                    decision.auditAnnotations.put(policy.name() + "." + annotation.name(), text);
                }
            } catch (EvaluationFailure e) {
                decision.failed(policy, actions, "auditAnnotations '" + annotation.name() + "'", e.getMessage());
            }
        }
        if (decision.results.size() == resultsBefore) {
            decision.add(new PolicyResult(policy.name(), Outcome.PASS, actions, null, null, null));
        }
    }

    /**
     * On UPDATE: the message the old object got from this validation, or null when it passed. Equal
     * messages mean the update did not make things worse (the messages name what is wrong, so a new
     * offending container changes them).
     */
    private static String messageBefore(CompiledPolicy.Check check, CompiledPolicy policy, AdmissionInput input,
                                        Map<String, Object> namespaceObject, ClusterView cluster) {
        if (!"UPDATE".equals(input.operation()) || input.oldObject() == null) {
            return null;
        }
        try {
            Activation before = new Activation(input.withObject(input.oldObject()), policy, namespaceObject, cluster);
            return Boolean.FALSE.equals(eval(check.expression(), before)) ? message(check, before) : null;
        } catch (EvaluationFailure e) {
            return null;
        }
    }

    private static Set<Action> ratcheted(Set<Action> actions) {
        if (!actions.contains(Action.Deny)) {
            return actions;
        }
        Set<Action> softened = EnumSet.copyOf(actions);
        softened.remove(Action.Deny);
        softened.add(Action.Warn);
        return softened;
    }

    /**
     * Whether the object (its metadata or pod template) or its namespace opts out of the policy with
     * {@code opt-out.harbormaster.dev/<policy>: <reason>}. An opt-out is recorded, never silent; one the
     * policy does not allow, or without a reason, is not honoured and says so.
     */
    private static boolean optedOut(CompiledPolicy policy, Set<Action> actions, AdmissionInput input,
                                    Map<String, Object> namespaceObject, Decision decision) {
        String key = policy.optOutAnnotation();
        Optional<Workloads.Annotation> found = Workloads.findAnnotation(input.object(), namespaceObject, key);
        if (found.isEmpty()) {
            return false;
        }
        String where = switch (found.get().place()) {
            case OBJECT -> "the " + input.kind().kind() + "'s annotation";
            case POD_TEMPLATE -> "the pod template's annotation";
            case NAMESPACE -> "the namespace's annotation";
        };
        Object reason = found.get().value();
        if (!policy.allowOptOut()) {
            decision.notice(policy, "opt-out ignored: this policy does not allow opting out (" + where + " " + key + ")");
            return false;
        }
        if (!(reason instanceof String text) || text.isBlank()) {
            decision.notice(policy, "opt-out ignored: " + where + " " + key + " must give a reason as its value");
            return false;
        }
        decision.add(new PolicyResult(policy.name(), Outcome.OPTED_OUT, actions,
                "opted out by " + where + " " + key + ": " + text.strip(), null, null));
        return true;
    }

    /** The message a developer reads: messageExpression if it gives one, else message, else the rule itself. */
    private static String message(CompiledPolicy.Check check, Activation activation) {
        if (check.messageExpression() != null) {
            try {
                if (eval(check.messageExpression(), activation) instanceof String text && !text.isBlank()) {
                    return oneLine(text);
                }
            } catch (EvaluationFailure e) {
                // As in Kubernetes: a failing messageExpression falls back to message.
            }
        }
        if (check.message() != null && !check.message().isBlank()) {
            return oneLine(check.message());
        }
        return "failed expression: " + check.expression().source();
    }

    private static String oneLine(String text) {
        return LINE_BREAK.matcher(text.strip()).replaceAll(" ");
    }

    private Set<Action> effectiveActions(Set<Action> actions) {
        if (mode == Mode.ENFORCE || !actions.contains(Action.Deny)) {
            return actions;
        }
        Set<Action> audited = EnumSet.copyOf(actions);
        audited.remove(Action.Deny);
        audited.add(Action.Warn);
        audited.add(Action.Audit);
        return audited;
    }

    private static Object eval(CelExpression expression, Activation activation) throws EvaluationFailure {
        try {
            return expression.eval(activation);
        } catch (CelEvaluationException | RuntimeException e) {
            // A failing variable, or a bug in a function: it fails this policy, never the request.
            throw failure(e);
        }
    }

    private static EvaluationFailure failure(Exception e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClusterUnavailable unavailable) {
                return new Unchecked(unavailable.getMessage());
            }
        }
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof Activation.VariableFailure variable) {
                return new EvaluationFailure(variable.getMessage());
            }
        }
        return new EvaluationFailure(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    private static class EvaluationFailure extends Exception {
        EvaluationFailure(String message) {
            super(message, null, false, false);
        }
    }

    /** The expression needed the cluster, and the ClusterView could not answer. */
    private static final class Unchecked extends EvaluationFailure {
        Unchecked(String reason) {
            super(reason);
        }
    }

    /** The namespace as the view knows it, or what every namespace has: its name as a label. */
    private static Map<String, Object> namespaceObject(AdmissionInput input, ClusterView cluster) {
        if (!input.namespaced()) {
            return null;
        }
        return cluster.namespace(input.namespace()).orElseGet(() -> Map.of(
                "apiVersion", "v1",
                "kind", "Namespace",
                "metadata", Map.of("name", input.namespace(),
                        "labels", Map.of("kubernetes.io/metadata.name", input.namespace()))));
    }

    private static Map<?, ?> labels(Map<String, Object> object) {
        Map<String, Object> labels = CelJson.map(CelJson.map(object, "metadata"), "labels");
        return labels == null ? Map.of() : labels;
    }
}
