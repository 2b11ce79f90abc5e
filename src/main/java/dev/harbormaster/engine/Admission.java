package dev.harbormaster.engine;

/**
 * A request taken through both webhooks as kube-apiserver calls them: the mutating one, then the
 * validating one on the object as mutated. What the CLI, the policy tests and the background audit
 * report; the two webhook doors each call one half ({@link Engine#mutate}, {@link Engine#evaluate}).
 *
 * @param mutated    the request as the validating webhook sees it (the input when nothing changed)
 * @param mutation   the mutating webhook's verdict
 * @param validation the validating webhook's verdict on the mutated object
 */
public record Admission(AdmissionInput input, Verdict mutation, AdmissionInput mutated, Verdict validation) {

    /** Whether kube-apiserver would admit it: neither webhook refused. */
    public boolean allowed() {
        return mutation.allowed() && validation.allowed();
    }

    /** The verdict that refused the request (the mutation's first), or the validation's when none did. */
    public Verdict deciding() {
        return mutation.allowed() ? validation : mutation;
    }
}
