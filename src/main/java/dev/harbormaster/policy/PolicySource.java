package dev.harbormaster.policy;

/**
 * The text of one policy file and the name to report it by (its path); or one policy resource of
 * the cluster, named {@code Kind/name} (an exception {@code PolicyException/namespace/name}), whose
 * problems are reported on that resource rather than failing the files.
 */
public record PolicySource(String name, String content, boolean resource) {

    public PolicySource(String name, String content) {
        this(name, content, false);
    }

    /** A resource watched in the cluster, by the name its problems are reported under. */
    public static PolicySource ofResource(String name, String content) {
        return new PolicySource(name, content, true);
    }
}
