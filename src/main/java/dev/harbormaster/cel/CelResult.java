package dev.harbormaster.cel;

/**
 * What evaluating an expression gave: a value, or why there is none. A failure is a value too,
 * because policies fail in expected ways (a missing field, a bound reached, a cluster that cannot
 * answer) and each is decided by the policy's failurePolicy, not by whoever catches first.
 */
public sealed interface CelResult {

    /** The expression produced a value ({@code NullValue} for CEL's null). */
    record Value(Object value) implements CelResult {
    }

    /** The expression produced no value, for one of these reasons. */
    record Failure(String message, Kind kind) implements CelResult {

        public enum Kind {
            /** The expression failed: a missing field, a wrong type, a function's error. */
            ERROR,
            /** It needed the cluster and the ClusterView could not answer: not checked, which is not broken. */
            UNCHECKED,
            /** A bound of the request's budget was reached: cost, size or deadline. */
            BOUND
        }

        public boolean unchecked() {
            return kind == Kind.UNCHECKED;
        }

        /** The same failure, said of the variable that produced it (a cluster that could not answer is said as it is). */
        public Failure of(String variable) {
            return unchecked() ? this : new Failure("variable '" + variable + "': " + message, kind);
        }
    }

    /**
     * Carries a failure out through cel-java's interpreter, which knows only exceptions: thrown by a
     * lazily evaluated variable that failed, turned back into its {@link Failure} by {@link CelExpression}.
     */
    final class Abort extends RuntimeException {
        private final Failure failure;

        public Abort(Failure failure) {
            super(failure.message(), null, false, false);
            this.failure = failure;
        }

        Failure failure() {
            return failure;
        }
    }
}
