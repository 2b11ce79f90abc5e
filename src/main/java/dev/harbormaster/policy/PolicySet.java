package dev.harbormaster.policy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An immutable snapshot of compiled policies, ordered by name. A reload builds a new one and swaps
 * a single reference, so a request in flight finishes with the snapshot it started with.
 *
 * <p>It also answers which policies a request's resource rules select, remembered per kind of
 * request (operation, resource, subresource, scope: everything but the name), so that policies for
 * other resources cost one lookup rather than one rule check each.
 */
public final class PolicySet {

    /** Kinds of request remembered per snapshot; the webhook's rules keep the real number small. */
    private static final int MAX_REMEMBERED = 512;

    private final List<CompiledPolicy> validating;
    private final List<CompiledPolicy> mutating;
    private final String origin;
    private final Instant loadedAt;
    private final Map<MatchCriteria.Request, Candidates> validatingByRequest = new ConcurrentHashMap<>();
    private final Map<MatchCriteria.Request, Candidates> mutatingByRequest = new ConcurrentHashMap<>();

    private final List<String> warnings;
    private final List<CompiledException> exceptions;
    private final Map<String, List<CompiledException>> exceptionsByPolicy;
    private final String revision;

    /** A set made from policies already compiled (a test's selection, a benchmark): no files, so no revision. */
    public PolicySet(List<CompiledPolicy> validating, List<CompiledPolicy> mutating, String origin, Instant loadedAt) {
        this(validating, mutating, origin, loadedAt, List.of(), "", List.of());
    }

    /**
     * @param warnings what loaded but is probably a mistake (a rule on resource "pod"), each with file, policy and field
     * @param revision a digest of the files the set was loaded from: equal on every replica that loaded the same files
     */
    public PolicySet(List<CompiledPolicy> validating, List<CompiledPolicy> mutating, String origin, Instant loadedAt,
                     List<String> warnings, String revision) {
        this(validating, mutating, origin, loadedAt, warnings, revision, List.of());
    }

    /** @param exceptions the PolicyExceptions in force */
    public PolicySet(List<CompiledPolicy> validating, List<CompiledPolicy> mutating, String origin, Instant loadedAt,
                     List<String> warnings, String revision, List<CompiledException> exceptions) {
        this.validating = List.copyOf(validating);
        this.mutating = List.copyOf(mutating);
        this.origin = origin;
        this.loadedAt = loadedAt;
        this.warnings = List.copyOf(warnings);
        this.revision = revision;
        this.exceptions = List.copyOf(exceptions);
        Map<String, List<CompiledException>> byPolicy = new java.util.HashMap<>();
        for (CompiledException exception : this.exceptions) {
            exception.policies().keySet().forEach(policy -> byPolicy.computeIfAbsent(policy, p -> new ArrayList<>()).add(exception));
        }
        byPolicy.replaceAll((policy, list) -> List.copyOf(list));
        this.exceptionsByPolicy = Map.copyOf(byPolicy);
    }

    /** The same set with other policies (a policy test's selection, or its params): origin, warnings and exceptions kept. */
    public PolicySet with(List<CompiledPolicy> otherValidating, List<CompiledPolicy> otherMutating) {
        return new PolicySet(otherValidating, otherMutating, origin, loadedAt, warnings, revision, exceptions);
    }

    /** The PolicyExceptions in force, expired ones included (they are reported as expired). */
    public List<CompiledException> exceptions() {
        return exceptions;
    }

    /** The exceptions that name the policy, in namespace/name order. */
    public List<CompiledException> exceptionsFor(String policy) {
        return exceptionsByPolicy.getOrDefault(policy, List.of());
    }

    /** The policy of that name, validating or mutating. */
    public java.util.Optional<CompiledPolicy> policy(String name) {
        return java.util.stream.Stream.concat(validating.stream(), mutating.stream()).filter(p -> p.name().equals(name)).findFirst();
    }

    /** Which files are in force (a digest of their names and contents), for the decision log and the info metric. */
    public String revision() {
        return revision;
    }

    /** What the load warned about: it is in force, but probably not as meant. */
    public List<String> warnings() {
        return warnings;
    }

    public List<CompiledPolicy> validating() {
        return validating;
    }

    public List<CompiledPolicy> mutating() {
        return mutating;
    }

    public String origin() {
        return origin;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    public int size() {
        return validating.size() + mutating.size();
    }

    /** The validating policies whose resource rules match the request, in name order. */
    public List<CompiledPolicy> validatingFor(MatchCriteria.Request request) {
        return select(validating, validatingByRequest, request);
    }

    /** The mutating policies whose resource rules match the request, in name order. */
    public List<CompiledPolicy> mutatingFor(MatchCriteria.Request request) {
        return select(mutating, mutatingByRequest, request);
    }

    private static List<CompiledPolicy> select(List<CompiledPolicy> policies, Map<MatchCriteria.Request, Candidates> remembered,
                                               MatchCriteria.Request request) {
        MatchCriteria.Request kind = request.withoutName();
        Candidates candidates = remembered.get(kind);
        if (candidates == null) {
            candidates = Candidates.of(policies, kind);
            if (remembered.size() < MAX_REMEMBERED) {
                remembered.put(kind, candidates);
            }
        }
        if (!candidates.someDependOnName()) {
            return candidates.policies();
        }
        return candidates.policies().stream()
                .filter(policy -> !policy.match().dependsOnName() || policy.match().matchesResource(request))
                .toList();
    }

    /**
     * The policies that match a kind of request: exactly, except those whose rules name resources,
     * which are kept as maybes and decided per request.
     */
    private record Candidates(List<CompiledPolicy> policies, boolean someDependOnName) {

        static Candidates of(List<CompiledPolicy> policies, MatchCriteria.Request kind) {
            List<CompiledPolicy> candidates = new ArrayList<>();
            boolean someDependOnName = false;
            for (CompiledPolicy policy : policies) {
                boolean dependsOnName = policy.match().dependsOnName();
                if (dependsOnName || policy.match().matchesResource(kind)) {
                    candidates.add(policy);
                    someDependOnName |= dependsOnName;
                }
            }
            return new Candidates(List.copyOf(candidates), someDependOnName);
        }
    }
}
