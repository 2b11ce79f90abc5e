package dev.harbormaster.policy;

import java.util.List;
import java.util.stream.Collectors;

/** A policy pack that cannot be used as a whole; lists every error found, not just the first. */
public final class PolicyLoadException extends Exception {

    private final List<PolicyError> errors;

    public PolicyLoadException(List<PolicyError> errors) {
        super(errors.size() + " error(s) in the policies:\n  "
                + errors.stream().map(PolicyError::toString).collect(Collectors.joining("\n  ")));
        this.errors = List.copyOf(errors);
    }

    public List<PolicyError> errors() {
        return errors;
    }
}
