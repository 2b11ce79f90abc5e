package dev.harbormaster.policy;

/**
 * What is wrong with a policy file, and where: the file and document, the policy, the field (for an
 * expression, CEL's message points at the position in it).
 */
public record PolicyError(String file, int document, int line, String policy, String field, String message) {

    /** "field: message", or the message alone: what a resource's status and the webhook's refusal say (the CLI's line ends so). */
    public String fieldAndMessage() {
        return field == null || field.isEmpty() ? message : field + ": " + message;
    }

    @Override
    public String toString() {
        StringBuilder where = new StringBuilder(file);
        if (document > 0) {
            where.append(" (document ").append(document).append(", line ").append(line).append(')');
        }
        if (policy != null) {
            where.append(", policy ").append(policy);
        }
        if (field != null && !field.isEmpty()) {
            where.append(", ").append(field);
        }
        return where + ": " + message;
    }
}
