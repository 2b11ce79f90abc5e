package dev.harbormaster.policy;

/** Policy documents for the loader and store tests. */
public final class TestPolicies {

    private TestPolicies() {
    }

    /** A ValidatingPolicy for Pod CREATEs with one validation, the CEL {@code expression}. */
    public static String validating(String name, String expression) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: %s}
                spec:
                  validationActions: [Deny]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [pods]}
                  validations:
                  - expression: "%s"
                """.formatted(name, expression.replace("\\", "\\\\").replace("\"", "\\\""));
    }
}
