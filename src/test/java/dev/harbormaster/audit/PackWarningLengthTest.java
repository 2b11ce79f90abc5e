package dev.harbormaster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * kube-apiserver cuts every admission warning at 256 characters, and the engine shortens longer
 * ones to fit (ending in "…"), which loses the fix at the end. Over the default pack's own cases,
 * no warning may have been shortened.
 */
class PackWarningLengthTest {

    @TestFactory
    Stream<DynamicTest> everyPackWarningFitsWhole() throws Exception {
        List<PolicyTestRunner.CaseResult> results = new PolicyTestRunner(new CelEnvironment())
                .run(PolicyLoader.readDirectory(Path.of("policies")));
        assertThat(results.stream().mapToLong(r -> r.warnings().size()).sum()).as("the pack's cases produce warnings").isPositive();
        return results.stream().filter(r -> !r.warnings().isEmpty()).map(r -> DynamicTest.dynamicTest(r.test() + ": " + r.name(),
                () -> assertThat(r.warnings()).allSatisfy(w -> assertThat(w)
                        .as("a warning kube-apiserver would cut (%d characters before shortening)", w.length())
                        .hasSizeLessThanOrEqualTo(256).doesNotEndWith("…"))));
    }
}
