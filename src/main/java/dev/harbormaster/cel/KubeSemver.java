package dev.harbormaster.cel;

import org.semver4j.Semver;
import org.semver4j.SemverException;

/** {@code semver(s[, normalize])}: strict SemVer 2.0; normalising first drops a leading v, pads and strips leading zeros. */
record KubeSemver(Semver version) implements Comparable<KubeSemver> {

    static KubeSemver parse(String s, boolean normalize) {
        String text = normalize ? normalize(s) : s;
        // semver4j trims; Kubernetes does not, so whitespace anywhere is refused here.
        if (text.isEmpty() || !text.strip().equals(text)) {
            throw new IllegalArgumentException("Version string empty or with surrounding whitespace: \"" + s + "\"");
        }
        // semver4j also takes a leading v; Kubernetes' strict form does not.
        if (!Character.isDigit(text.charAt(0))) {
            throw new IllegalArgumentException("No Major.Minor.Patch elements found in \"" + s + "\"");
        }
        try {
            return new KubeSemver(new Semver(text));
        } catch (SemverException e) {
            throw new IllegalArgumentException("No Major.Minor.Patch elements found in \"" + s + "\": " + e.getMessage());
        }
    }

    private static String normalize(String s) {
        String v = s.startsWith("v") ? s.substring(1) : s;
        int suffixAt = v.length();
        for (int i = 0; i < v.length(); i++) {
            if (v.charAt(i) == '-' || v.charAt(i) == '+') {
                suffixAt = i;
                break;
            }
        }
        String[] core = v.substring(0, suffixAt).split("\\.", -1);
        if (core.length > 3) {
            return v;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            String part = i < core.length ? core[i] : "0";
            String stripped = part.replaceFirst("^0+(?=[0-9])", "");
            out.append(i > 0 ? "." : "").append(stripped);
        }
        return out + v.substring(suffixAt);
    }

    @Override
    public int compareTo(KubeSemver other) {
        return Integer.signum(version.compareTo(other.version));
    }

    @Override
    public String toString() {
        return version.getVersion();
    }
}
