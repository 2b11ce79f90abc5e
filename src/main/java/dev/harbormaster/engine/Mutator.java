package dev.harbormaster.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.CelResult;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.MutatingPolicySpec.ReinvocationPolicy;
import dev.harbormaster.policy.PolicySpec.Action;
import dev.harbormaster.cel.ApplyConfigurations;
import io.fabric8.zjsonpatch.DiffFlags;
import io.fabric8.zjsonpatch.JsonDiff;
import io.fabric8.zjsonpatch.JsonPatch;
import io.fabric8.zjsonpatch.JsonPatchException;
import io.fabric8.zjsonpatch.Operation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Runs the mutating policies on a request, in name order, each on the object as the ones before
 * left it. A JSONPatch mutation returns its operations; an ApplyConfiguration one returns an
 * object merged in ({@link ApplyConfigurationMerge}), turned into the operations that make the merge. As MutatingAdmissionPolicy defines {@code reinvocationPolicy: IfNeeded}: a policy that
 * asks for it runs once more when a policy after it changed the object. A mutation whose patch
 * fails fails its policy, which leaves no change; a {@code test} operation that fails means the
 * patch does not apply (no change, no error), as in Kubernetes.
 */
final class Mutator {

    /** The annotation that tells {@code kubectl get -o yaml} readers which policies changed the object. */
    static final String MUTATED_ANNOTATION = "harbormaster.dev/mutated";

    private final Evaluation evaluation;
    private final Set<Action> actions;
    private JsonNode current;
    private AdmissionInput currentInput;
    private final ArrayNode patch = JsonNodeFactory.instance.arrayNode();
    /** The result of each policy that ran, by name: a reinvocation replaces its first result. */
    private final Map<String, PolicyResult> results = new LinkedHashMap<>();
    private final List<String> mutatedBy = new ArrayList<>();

    Mutator(Evaluation evaluation, Set<Action> actions) {
        this.evaluation = evaluation;
        this.actions = actions;
        this.current = CelJson.toJson(evaluation.input.object());
        this.currentInput = evaluation.input;
    }

    /** Applies the policies and returns the patch from the object sent, or an empty one. */
    ArrayNode run(List<CompiledPolicy> policies) {
        List<Integer> changedAt = new ArrayList<>();
        for (int i = 0; i < policies.size(); i++) {
            if (apply(policies.get(i))) {
                changedAt.add(i);
            }
        }
        // Reinvocation: once, for IfNeeded policies that a later policy's change may concern.
        for (int i = 0; i < policies.size(); i++) {
            int index = i;
            CompiledPolicy policy = policies.get(i);
            if (policy.reinvocationPolicy() == ReinvocationPolicy.IfNeeded && changedAt.stream().anyMatch(at -> at > index)) {
                apply(policy);
            }
        }
        for (CompiledPolicy policy : policies) {
            if (results.containsKey(policy.name())) {
                evaluation.results.add(results.get(policy.name()));
            }
        }
        if (!mutatedBy.isEmpty()) {
            ArrayNode record = recordMutation();
            current = JsonPatch.apply(record, current);
            patch.addAll(record);
        }
        return patch;
    }

    /** The object after every change, or null when nothing changed. */
    @SuppressWarnings("unchecked")
    Map<String, Object> mutated() {
        return mutatedBy.isEmpty() ? null : (Map<String, Object>) CelJson.fromJson(current);
    }

    /** Runs one policy on the current object; true when it changed it. */
    private boolean apply(CompiledPolicy policy) {
        if (!Matcher.selects(policy.match(), currentInput, evaluation.namespaceObject)) {
            return false;
        }
        Activation activation = evaluation.activation(policy, currentInput);
        int before = evaluation.results.size();
        if (!evaluation.applies(policy, actions, currentInput, activation)) {
            // Opt-outs and failing conditions are recorded in evaluation.results; keep one result per policy.
            evaluation.results.subList(before, evaluation.results.size()).forEach(r -> results.put(policy.name(), r));
            evaluation.results.subList(before, evaluation.results.size()).clear();
            return false;
        }
        JsonNode object = current;
        ArrayNode policyPatch = JsonNodeFactory.instance.arrayNode();
        for (CompiledPolicy.Mutation mutation : policy.mutations()) {
            Activation on = object == current ? activation : evaluation.activation(policy, currentInput.withObject(asMap(object)));
            CelResult result = on.eval(mutation.expression());
            if (result instanceof CelResult.Failure failed) {
                results.put(policy.name(), failed.unchecked()
                        ? new PolicyResult(policy.name(), Outcome.UNCHECKED, actions, "could not check: " + failed.message(), null, null)
                        : ActionPolicy.failed(policy, actions, evaluation.input, mutation.name(), failed.message()));
                return false;
            }
            ArrayNode operations = JsonNodeFactory.instance.arrayNode();
            Object value = ((CelResult.Value) result).value();
            String problem = mutation.patchType() == CompiledPolicy.PatchType.ApplyConfiguration
                    ? applied(value, object, operations) : operations(value, operations);
            if (problem == null && !operations.isEmpty()) {
                try {
                    object = JsonPatch.apply(operations, object);
                    policyPatch.addAll(operations);
                } catch (JsonPatchException e) {
                    if (e.getOperation() != Operation.TEST) {
                        problem = "does not apply to the object: " + e.getMessage();
                    }
                } catch (RuntimeException e) {
                    problem = "does not apply to the object: " + e.getMessage();
                }
            }
            if (problem != null) {
                results.put(policy.name(), ActionPolicy.failed(policy, actions, evaluation.input, "", mutation.name() + " " + problem));
                return false;
            }
        }
        if (object.equals(current)) {
            results.putIfAbsent(policy.name(), new PolicyResult(policy.name(), Outcome.PASS, actions, null, null, null));
            return false;
        }
        current = object;
        currentInput = currentInput.withObject(asMap(object));
        patch.addAll(policyPatch);
        if (!mutatedBy.contains(policy.name())) {
            mutatedBy.add(policy.name());
        }
        results.put(policy.name(), new PolicyResult(policy.name(), Outcome.MUTATED, actions, null, null, null));
        return true;
    }

    /** Checks what a mutation returned and adds its operations; returns why it is not a patch, or null. */
    private static String operations(Object returned, ArrayNode operations) {
        if (!(returned instanceof List<?> list)) {
            return "must return a list of JSONPatch operations, not " + CelJson.toJson(returned);
        }
        for (Object item : list) {
            Object parsed = PatchOperation.parse(item);
            if (parsed instanceof String problem) {
                return problem;
            }
            operations.add(((PatchOperation) parsed).toJson());
        }
        return null;
    }

    /**
     * An apply configuration as the JSONPatch operations that make its merge from the object, so
     * that both patch types change the object (and make the AdmissionReview's patch) one way;
     * returns why it does not apply, or null.
     */
    private static String applied(Object returned, JsonNode object, ArrayNode operations) {
        if (!(returned instanceof ApplyConfigurations.ObjectValue configuration)) {
            return "must return an Object{…} apply configuration, not " + CelJson.toJson(returned);
        }
        List<String> misnamed = configuration.misnamed();
        if (!misnamed.isEmpty()) {
            return "type mismatch: " + String.join("; ", misnamed);
        }
        @SuppressWarnings("unchecked")
        ApplyConfigurationMerge.Result merged = ApplyConfigurationMerge.merge(asMap(object), (Map<String, Object>) configuration.plain());
        if (merged.problem() != null) {
            return "error applying patch: " + merged.problem();
        }
        JsonNode diff = JsonDiff.asJson(object, CelJson.toJson(merged.object()), DiffFlags.dontNormalizeOpIntoMoveAndCopy());
        return operations(CelJson.fromJson(diff), operations);
    }

    /**
     * The record of which policies changed the object: one annotation, merged with the names an
     * earlier pass left. The object's metadata and annotations are made where missing, so the
     * record never fails a patch (the object is one kube-apiserver accepted: its metadata is a map).
     */
    private ArrayNode recordMutation() {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        ArrayNode record = nodes.arrayNode();
        JsonNode metadata = current.path("metadata");
        if (!metadata.isObject()) {
            record.add(nodes.objectNode().put("op", "add").put("path", "/metadata").set("value", nodes.objectNode()));
        }
        JsonNode annotations = metadata.path("annotations");
        TreeSet<String> names = new TreeSet<>(mutatedBy);
        if (annotations.isObject()) {
            Arrays.stream(annotations.path(MUTATED_ANNOTATION).asText("").split(",")).filter(n -> !n.isBlank()).forEach(names::add);
            record.add(nodes.objectNode().put("op", "add")
                    .put("path", "/metadata/annotations/" + MUTATED_ANNOTATION.replace("~", "~0").replace("/", "~1"))
                    .put("value", String.join(",", names)));
        } else {
            ObjectNode value = nodes.objectNode().put(MUTATED_ANNOTATION, String.join(",", names));
            record.add(nodes.objectNode().put("op", "add").put("path", "/metadata/annotations").set("value", value));
        }
        return record;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(JsonNode object) {
        return (Map<String, Object>) CelJson.fromJson(object);
    }
}
