package dev.harbormaster.cel;

/**
 * A container image reference split the way the container runtime reads it:
 * {@code [registry[:port]/]repository[:tag][@digest]}. A registry is only recognised in the first
 * path component when it looks like a host (has a dot or a port, or is localhost), so
 * {@code registry.local:5000/team/app} has no tag while {@code team/app:1.2} has one.
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    public static ImageReference parse(String reference) {
        String rest = reference.trim();
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("empty image reference");
        }
        String digest = "";
        int at = rest.indexOf('@');
        if (at >= 0) {
            digest = rest.substring(at + 1);
            rest = rest.substring(0, at);
        }
        String tag = "";
        int colon = rest.lastIndexOf(':');
        if (colon > rest.lastIndexOf('/')) {
            tag = rest.substring(colon + 1);
            rest = rest.substring(0, colon);
        }
        String registry = "";
        int slash = rest.indexOf('/');
        if (slash > 0) {
            String first = rest.substring(0, slash);
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
                registry = first;
                rest = rest.substring(slash + 1);
            }
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    /** Registry and repository, without tag or digest: {@code registry.local:5000/team/api}. */
    public String name() {
        return registry.isEmpty() ? repository : registry + "/" + repository;
    }

    public boolean hasTag() {
        return !tag.isEmpty();
    }

    public boolean hasDigest() {
        return !digest.isEmpty();
    }

    /** Not pinned: no digest, and the tag is {@code latest} or missing (which means latest). */
    public boolean isLatest() {
        return !hasDigest() && (!hasTag() || tag.equals("latest"));
    }
}
