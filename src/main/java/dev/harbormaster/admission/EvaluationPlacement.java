package dev.harbormaster.admission;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a door evaluates a request that has work: on the event loop it arrived on, or on a worker.
 *
 * <p>One request at a time, as kube-apiserver mostly sends them, the two hand-offs of a worker (waking
 * a parked worker, then the event loop again for the answer) cost more than a small evaluation; under a
 * burst on one HTTP/2 connection, evaluating on its one event loop would put every stream on one core.
 * So a request is evaluated where it arrived only when it is alone: no other evaluation under way,
 * none that ended just before it arrived (a request that waited behind one is part of a burst), and
 * the last evaluation was small (a costly policy must not hold the event loop). Anything else goes to
 * a worker. The figures behind the thresholds are in bench/RESULTS.md (2026-12-02, night).
 *
 * <p>The worst case: a request alone whose evaluation is costly after small ones holds its event loop
 * for that one evaluation, at most the request's CEL deadline ({@code harbormaster.cel.request-deadline});
 * requests that arrive on that loop meanwhile wait for it, and then go to workers.
 */
final class EvaluationPlacement {

    /** A request that arrives this soon after an evaluation ended had been waiting behind it. */
    static final long QUEUED_NANOS = 250_000;
    /** After an evaluation that took longer, the next ones go to workers until one is small again. */
    static final long SMALL_NANOS = 1_000_000;

    private final AtomicInteger underWay = new AtomicInteger();
    private volatile long lastEnded;
    private volatile long lastTook;

    EvaluationPlacement(long now) {
        this.lastEnded = now - QUEUED_NANOS;
    }

    /**
     * Counts an evaluation that starts, for a request that arrived at {@code arrived} (System.nanoTime),
     * and says whether it runs where it arrived. Every call is followed by one {@link #ended}.
     */
    boolean startsHere(long arrived) {
        boolean alone = underWay.getAndIncrement() == 0;
        return alone && arrived - lastEnded >= QUEUED_NANOS && lastTook < SMALL_NANOS;
    }

    /** An evaluation that took {@code took} nanoseconds has ended at {@code now}. */
    void ended(long took, long now) {
        lastTook = took;
        lastEnded = now;
        underWay.decrementAndGet();
    }
}
