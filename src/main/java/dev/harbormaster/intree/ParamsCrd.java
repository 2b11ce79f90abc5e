package dev.harbormaster.intree;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The PolicyParams CRD: where a lowered policy's params live. A ConfigMap holds only strings, and
 * the default pack's params are lists and numbers, so params keep their types in {@code spec},
 * unchecked ({@code x-kubernetes-preserve-unknown-fields}) as Harbormaster's own params are.
 * Cluster-scoped: one object per policy, named after it.
 */
final class ParamsCrd {

    private ParamsCrd() {
    }

    static ObjectNode definition() {
        ObjectNode crd = Lowering.managed("apiextensions.k8s.io/v1", "CustomResourceDefinition", "policyparams.params.harbormaster.dev");
        ObjectNode spec = crd.putObject("spec");
        spec.put("group", "params.harbormaster.dev");
        spec.put("scope", "Cluster");
        spec.putObject("names").put("kind", Lowering.PARAMS_KIND).put("plural", "policyparams").put("singular", "policyparams")
                .put("listKind", "PolicyParamsList");
        ObjectNode version = spec.putArray("versions").addObject();
        version.put("name", "v1alpha1").put("served", true).put("storage", true);
        ObjectNode schema = version.putObject("schema").putObject("openAPIV3Schema");
        schema.put("type", "object");
        ObjectNode properties = schema.putObject("properties");
        properties.putObject("apiVersion").put("type", "string");
        properties.putObject("kind").put("type", "string");
        properties.putObject("metadata").put("type", "object");
        properties.putObject("spec").put("type", "object").put("x-kubernetes-preserve-unknown-fields", true);
        return crd;
    }
}
