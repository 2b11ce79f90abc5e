package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the doors evaluate: where the request arrived only when it is alone and the last evaluation was small. */
class EvaluationPlacementTest {

    private static final long MS = 1_000_000;
    private static final long T0 = 5_000 * MS;

    @Test
    void aRequestAloneOnAnIdleServerIsEvaluatedWhereItArrived() {
        EvaluationPlacement placement = new EvaluationPlacement(T0);
        assertThat(placement.startsHere(T0)).isTrue();
        placement.ended(MS / 10, T0 + MS / 10);
        assertThat(placement.startsHere(T0 + 5 * MS)).isTrue();
    }

    @Test
    void aRequestWhileAnotherIsEvaluatedGoesToAWorker() {
        EvaluationPlacement placement = new EvaluationPlacement(T0);
        assertThat(placement.startsHere(T0)).isTrue();
        assertThat(placement.startsHere(T0 + 1)).isFalse();
        assertThat(placement.startsHere(T0 + 2)).isFalse();
        placement.ended(MS / 10, T0 + MS / 10);
        placement.ended(MS / 10, T0 + MS / 5);
        assertThat(placement.startsHere(T0 + MS / 5 + 10)).as("one still under way").isFalse();
        placement.ended(MS / 10, T0 + MS / 4);
        placement.ended(MS / 10, T0 + MS / 4);
        assertThat(placement.startsHere(T0 + 5 * MS)).as("all ended, long ago").isTrue();
    }

    @Test
    void aRequestThatWaitedBehindAnEvaluationIsPartOfABurst() {
        EvaluationPlacement placement = new EvaluationPlacement(T0);
        assertThat(placement.startsHere(T0)).isTrue();
        placement.ended(MS / 10, T0 + MS / 10);
        long queued = T0 + MS / 10 + EvaluationPlacement.QUEUED_NANOS - 1;
        assertThat(placement.startsHere(queued)).isFalse();
        placement.ended(MS / 10, queued + MS / 10);
        assertThat(placement.startsHere(queued + MS / 10 + EvaluationPlacement.QUEUED_NANOS)).isTrue();
    }

    @Test
    void afterACostlyEvaluationTheNextGoesToAWorkerUntilOneIsSmallAgain() {
        EvaluationPlacement placement = new EvaluationPlacement(T0);
        assertThat(placement.startsHere(T0)).isTrue();
        placement.ended(EvaluationPlacement.SMALL_NANOS, T0 + EvaluationPlacement.SMALL_NANOS);
        long later = T0 + 10 * MS;
        assertThat(placement.startsHere(later)).isFalse();
        placement.ended(MS / 10, later + MS / 10);
        assertThat(placement.startsHere(later + 10 * MS)).isTrue();
    }

    @Test
    void theFirstRequestOfAServerIsAlone() {
        EvaluationPlacement placement = new EvaluationPlacement(T0);
        assertThat(placement.startsHere(T0 + 1)).isTrue();
    }
}
