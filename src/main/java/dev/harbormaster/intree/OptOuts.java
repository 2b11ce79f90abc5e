package dev.harbormaster.intree;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.cel.CelPrinter;

/**
 * The webhook's opt-out ({@code opt-out.harbormaster.dev/<policy>: <reason>} on the object, its
 * pod template or its namespace; see engine/Evaluation) in Kubernetes' CEL: the first of the three
 * places that has the annotation decides, and only a non-blank reason is honoured.
 */
final class OptOuts {

    private OptOuts() {
    }

    static String key(String policy) {
        return "opt-out.harbormaster.dev/" + policy;
    }

    private static String own(String key) {
        return "(type(object) == map ? object.?metadata.?annotations[?" + key + "] : optional.none())";
    }

    private static String fromTemplate(String key) {
        return "cel.bind(hm_o, object, " + HelperExpansion.template("hm_o") + ".?metadata.?annotations[?" + key + "])";
    }

    private static String found(String key) {
        return own(key) + ".or(" + fromTemplate(key) + ")"
                + ".or(type(namespaceObject) == map ? namespaceObject.?metadata.?annotations[?" + key + "] : optional.none())";
    }

    private static String where(String key) {
        return "(" + own(key) + ".hasValue() ? \"the \" + request.kind.kind + \"'s annotation\" : "
                + fromTemplate(key) + ".hasValue() ? \"the pod template's annotation\" : \"the namespace's annotation\")";
    }

    private static String honoured() {
        return "(hm_f.hasValue() && type(hm_f.value()) == string && hm_f.value().trim() != \"\")";
    }

    /** The match condition: true unless an honoured opt-out is found. */
    static String notOptedOut(String policy) {
        String key = CelPrinter.quote(key(policy));
        return "cel.bind(hm_f, " + found(key) + ", !" + honoured() + ")";
    }

    /** The warnings the webhook gives for an opt-out it does not honour. */
    static ArrayNode notices(String policy, boolean allowed) {
        String key = CelPrinter.quote(key(policy));
        ObjectNode validation = JsonNodeFactory.instance.objectNode();
        if (allowed) {
            validation.put("expression", "cel.bind(hm_f, " + found(key) + ", !hm_f.hasValue() || " + honoured() + ")");
            validation.put("messageExpression", "\"opt-out ignored: \" + " + where(key) + " + \" \" + " + key
                    + " + \" must give a reason as its value\"");
        } else {
            validation.put("expression", "!" + found(key) + ".hasValue()");
            validation.put("messageExpression", "\"opt-out ignored: this policy does not allow opting out (\" + " + where(key)
                    + " + \" \" + " + key + " + \")\"");
        }
        validation.put("message", "opt-out ignored: " + key(policy));
        return JsonNodeFactory.instance.arrayNode().add(validation);
    }

    /** The audit record of an honoured opt-out, as the webhook writes it. */
    static ArrayNode record(String policy) {
        String key = CelPrinter.quote(key(policy));
        ObjectNode annotation = JsonNodeFactory.instance.objectNode();
        annotation.put("key", "opted-out");
        annotation.put("valueExpression", "cel.bind(hm_f, " + found(key) + ", " + honoured() + " ? \"opted out by \" + " + where(key)
                + " + \" \" + " + key + " + \": \" + hm_f.value().trim() : \"\")");
        return JsonNodeFactory.instance.arrayNode().add(annotation);
    }
}
