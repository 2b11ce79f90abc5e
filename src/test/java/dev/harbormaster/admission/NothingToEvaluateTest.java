package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The doors answer on the event loop when the engine says a request has nothing to evaluate
 * ({@link Engine#validates}, {@link Engine#mutates}); that must be true: every such verdict, on
 * every captured request, is a plain allow with no result, and the pack has work on the rest.
 */
class NothingToEvaluateTest {

    private final Engine engine = new Engine(Engine.Mode.ENFORCE);

    @Test
    void whatTheEngineCallsNothingToEvaluateIsAPlainAllowOnEveryCapturedRequest() throws Exception {
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "the bundled default pack");
        PolicySet empty = new PolicySet(List.of(), List.of(), "no policies", Instant.now());
        int[] withPack = tally(pack);
        int[] without = tally(empty);
        // Both answers occur with the pack (a PodDisruptionBudget has no mutation, a Deployment has), only one without.
        assertThat(withPack[0]).as("pack: validations with nothing to run").isPositive();
        assertThat(withPack[1]).as("pack: validations with work").isPositive();
        assertThat(withPack[2]).as("pack: mutations with nothing to run").isPositive();
        assertThat(withPack[3]).as("pack: mutations with work").isPositive();
        assertThat(without[1] + without[3]).as("no policies: nothing has work").isZero();
        assertThat(without[0]).isEqualTo(without[2]).isEqualTo(withPack[0] + withPack[1]);
    }

    /** {validations without work, with work, mutations without, with}, asserting each one without. */
    private int[] tally(PolicySet policies) throws Exception {
        int[] counts = new int[4];
        List<Path> reviews;
        try (Stream<Path> files = Files.list(Fixtures.ADMISSION_REVIEWS)) {
            reviews = files.filter(file -> file.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(reviews).hasSizeGreaterThan(10);
        for (Path review : reviews) {
            AdmissionInput input = AdmissionReviewCodec.decode(Files.readAllBytes(review));
            if (engine.validates(input, policies)) {
                counts[1]++;
            } else {
                counts[0]++;
                assertNothingDone(engine.evaluate(input, policies, ClusterView.OFFLINE), "validate " + review.getFileName());
            }
            if (engine.mutates(input, policies)) {
                counts[3]++;
            } else {
                counts[2]++;
                assertNothingDone(engine.mutate(input, policies, ClusterView.OFFLINE), "mutate " + review.getFileName());
            }
        }
        return counts;
    }

    private static void assertNothingDone(Verdict verdict, String what) {
        assertThat(verdict.isPlainAllow()).as(what).isTrue();
        assertThat(verdict.results()).as(what).isEmpty();
        assertThat(verdict.mutatedObject()).as(what).isNull();
        assertThat(verdict.auditAnnotations()).as(what).isEqualTo(Map.of());
    }
}
