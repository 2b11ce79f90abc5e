package dev.harbormaster.policy;

import java.time.Instant;
import java.util.List;

/**
 * An immutable snapshot of compiled policies, ordered by name. A reload builds a new one and swaps
 * a single reference, so a request in flight finishes with the snapshot it started with.
 */
public record PolicySet(List<CompiledPolicy> validating, List<CompiledPolicy> mutating, String origin, Instant loadedAt) {

    public PolicySet {
        validating = List.copyOf(validating);
        mutating = List.copyOf(mutating);
    }

    public int size() {
        return validating.size() + mutating.size();
    }
}
