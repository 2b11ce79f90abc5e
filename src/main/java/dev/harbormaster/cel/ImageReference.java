package dev.harbormaster.cel;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A container image reference parsed by the distribution reference grammar (the one containerd,
 * Docker and go-containerregistry use), normalised as the runtime normalises it: {@code nginx} is
 * {@code docker.io/library/nginx}, {@code index.docker.io/x/y} is {@code docker.io/x/y}.
 * A registry is only recognised in the first path component when it looks like a host (has a dot
 * or a port, or is localhost), so {@code registry.local:5000/team/app} has no tag while
 * {@code team/app:1.2} is {@code docker.io/team/app} with a tag.
 *
 * @param registry   normalised registry host, {@code docker.io} when none is written
 * @param repository normalised path, {@code library/nginx} for a Docker Hub official image
 * @param tag        "" when absent
 * @param digest     "" when absent
 */
public record ImageReference(String registry, String repository, String tag, String digest) {

    public static final String DEFAULT_REGISTRY = "docker.io";
    private static final String LEGACY_REGISTRY = "index.docker.io";
    private static final int NAME_MAX = 255;

    /**
     * The grammar's productions, as distribution/reference states them (regular expressions that
     * java.util.regex and RE2 read alike): here, and in the lowering's expansion of image() into
     * Kubernetes' CEL.
     */
    public static final class Grammar {
        private static final String ALNUM = "[a-z0-9]+";
        private static final String SEPARATOR = "(?:[._]|__|-+)";
        private static final String PATH_COMPONENT = ALNUM + "(?:" + SEPARATOR + ALNUM + ")*";
        public static final String PATH = PATH_COMPONENT + "(?:/" + PATH_COMPONENT + ")*";
        private static final String DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
        /** A registry host, with its port. */
        public static final String DOMAIN = "(?:" + DOMAIN_COMPONENT + "(?:\\." + DOMAIN_COMPONENT + ")*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?";
        public static final String TAG = "[\\w][\\w.-]{0,127}";
        public static final String DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";

        private Grammar() {
        }
    }

    private static final Pattern DOMAIN = Pattern.compile(Grammar.DOMAIN);
    private static final Pattern REMAINDER = Pattern.compile("(" + Grammar.PATH + ")(?::(" + Grammar.TAG + "))?(?:@(" + Grammar.DIGEST + "))?");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-f0-9]{64}");
    // The algorithms go-digest registers, with the length of their lowercase hex encoding.
    private static final Map<String, Integer> DIGEST_HEX = Map.of("sha256", 64, "sha384", 96, "sha512", 128);

    /**
     * References parsed lately: a request's policies parse each container's image several times
     * (the grammar's regular expressions were an eighth of a Deployment's evaluation). Bounded;
     * a reference is a value, so any thread may reuse it.
     */
    private static final com.google.common.cache.Cache<String, ImageReference> PARSED =
            com.google.common.cache.CacheBuilder.newBuilder().maximumSize(4096).build();

    /** Parses a reference; throws with the reason when it is not one. */
    public static ImageReference parse(String reference) {
        ImageReference known = PARSED.getIfPresent(reference);
        if (known != null) {
            return known;
        }
        ImageReference parsed = parseUncached(reference);
        PARSED.put(reference, parsed);
        return parsed;
    }

    private static ImageReference parseUncached(String reference) {
        String s = reference;
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty image reference");
        }
        if (!s.strip().equals(s)) {
            throw new IllegalArgumentException("\"" + s + "\" has leading or trailing whitespace");
        }
        if (IDENTIFIER.matcher(s).matches()) {
            throw new IllegalArgumentException("\"" + s + "\" is a 64-character hex image ID, not a repository name");
        }
        // Where the registry ends, as splitDockerDomain decides it.
        String registry = DEFAULT_REGISTRY;
        String remainder = s;
        int slash = s.indexOf('/');
        if (slash >= 0) {
            String first = s.substring(0, slash);
            boolean host = first.contains(".") || first.contains(":") || first.equals("localhost") || !first.equals(first.toLowerCase());
            if (host) {
                if (!DOMAIN.matcher(first).matches()) {
                    throw new IllegalArgumentException("\"" + s + "\": \"" + first + "\" is not a valid registry host[:port]");
                }
                registry = first.equals(LEGACY_REGISTRY) ? DEFAULT_REGISTRY : first;
                remainder = s.substring(slash + 1);
            }
        }
        int tagColon = remainder.indexOf(':');
        String remote = tagColon >= 0 ? remainder.substring(0, tagColon) : remainder;
        int at = remote.indexOf('@');
        if (at >= 0) {
            remote = remote.substring(0, at);
        }
        if (!remote.equals(remote.toLowerCase())) {
            throw new IllegalArgumentException("\"" + s + "\": the repository name \"" + remote + "\" must be lowercase");
        }
        Matcher m = REMAINDER.matcher(remainder);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + s + "\" is not a valid image reference (" + hint(remainder) + ")");
        }
        String repository = m.group(1);
        if (registry.equals(DEFAULT_REGISTRY) && repository.indexOf('/') < 0) {
            repository = "library/" + repository;
        }
        if (registry.length() + 1 + repository.length() > NAME_MAX) {
            throw new IllegalArgumentException("\"" + s + "\": the repository name is longer than " + NAME_MAX + " characters");
        }
        String digest = Optional.ofNullable(m.group(3)).orElse("");
        if (!digest.isEmpty()) {
            checkDigest(s, digest);
        }
        return new ImageReference(registry, repository, Optional.ofNullable(m.group(2)).orElse(""), digest);
    }

    /** Why the text is not a reference, or empty when it is one. */
    public static Optional<String> invalidReason(String reference) {
        try {
            parse(reference);
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static void checkDigest(String s, String digest) {
        int colon = digest.indexOf(':');
        String algorithm = digest.substring(0, colon);
        String hex = digest.substring(colon + 1);
        Integer length = DIGEST_HEX.get(algorithm);
        if (length == null) {
            throw new IllegalArgumentException("\"" + s + "\": unsupported digest algorithm \"" + algorithm + "\" (sha256, sha384 or sha512)");
        }
        if (hex.length() != length || !hex.equals(hex.toLowerCase())) {
            throw new IllegalArgumentException("\"" + s + "\": a " + algorithm + " digest is " + length + " lowercase hex characters, this one has "
                    + hex.length());
        }
    }

    // A short pointer at the usual mistakes; the grammar itself decides validity.
    private static String hint(String remainder) {
        if (remainder.indexOf('@') != remainder.lastIndexOf('@')) {
            return "more than one @digest";
        }
        int at = remainder.indexOf('@');
        if (at >= 0 && !remainder.substring(at + 1).contains(":")) {
            return "a digest is algorithm:hex, e.g. sha256:<64 hex>";
        }
        String beforeDigest = at >= 0 ? remainder.substring(0, at) : remainder;
        if (beforeDigest.indexOf(':') != beforeDigest.lastIndexOf(':')) {
            return "more than one :tag";
        }
        if (at >= 0 && remainder.substring(at + 1).length() - remainder.substring(at + 1).indexOf(':') - 1 < 32) {
            return "the digest is too short";
        }
        return "expected [registry[:port]/]name[:tag][@digest], lowercase name components separated by /, . _ or -";
    }

    /** Registry and repository, normalised: {@code docker.io/library/nginx}. Compare these, not what was written. */
    public String name() {
        return registry + "/" + repository;
    }

    /** The short form people write: {@code nginx} for {@code docker.io/library/nginx}, {@code team/app} for Docker Hub. */
    public String familiarName() {
        if (!registry.equals(DEFAULT_REGISTRY)) {
            return name();
        }
        return repository.startsWith("library/") && repository.indexOf('/', 8) < 0 ? repository.substring(8) : repository;
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
