package dev.harbormaster.admission;

/**
 * Reasons given to a caller: one line, bounded. A reason may quote request text, and a request is
 * hostile until proven otherwise (100 KB reasons and control characters were seen).
 */
public final class Reasons {

    /** The longest reason a caller gets; kubectl shows it whole and a log line stays readable. */
    public static final int MAX_LENGTH = 300;
    private static final int MAX_EXCERPT = 60;

    private Reasons() {
    }

    /** A reason as one line of at most {@link #MAX_LENGTH} characters. */
    public static String oneLine(String reason) {
        return cap(reason == null ? "" : reason, MAX_LENGTH);
    }

    /** A piece of request text quoted in a reason. */
    public static String excerpt(String text) {
        return cap(text, MAX_EXCERPT);
    }

    private static String cap(String text, int max) {
        String flat = text.replaceAll("\\p{Cntrl}+", " ").strip();
        return flat.length() <= max ? flat : flat.substring(0, max - 1) + "…";
    }
}
