package dev.harbormaster.audit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Runs the PolicyTest cases as JUnit tests, one test per case: the default pack's tests in
 * {@code policies/}, the optional PSS pack's in {@code policies/pss/}, and the engine's own fixtures in {@code src/test/resources/engine/} (each file
 * a small pack of its own).
 */
class PolicyTestFilesTest {

    private static final PolicyTestRunner RUNNER = new PolicyTestRunner(new CelEnvironment());

    @TestFactory
    Stream<DynamicTest> defaultPack() throws Exception {
        return cases(PolicyLoader.readDirectory(Path.of("policies")));
    }

    /** The optional Pod Security Standards pack, baseline and restricted, read as {@code --policies policies/pss} reads it. */
    @TestFactory
    Stream<DynamicTest> podSecurityStandardsPack() throws Exception {
        return cases(PolicyLoader.readDirectory(Path.of("policies/pss")));
    }

    @TestFactory
    Stream<DynamicTest> engineFixtures() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("src/test/resources/engine"))) {
            List<Path> packs = files.sorted().toList();
            assertFalse(packs.isEmpty(), "no engine fixtures found");
            Stream<DynamicTest> all = Stream.empty();
            for (Path pack : packs) {
                String content = Files.readString(pack);
                all = Stream.concat(all, cases(List.of(new PolicySource(pack.toString(), content))));
            }
            return all;
        }
    }

    private static Stream<DynamicTest> cases(List<PolicySource> sources) throws Exception {
        List<PolicyTestRunner.CaseResult> results = RUNNER.run(sources);
        assertFalse(results.isEmpty(), "no test cases in " + sources.stream().map(PolicySource::name).toList());
        return results.stream().map(result -> DynamicTest.dynamicTest(result.test() + ": " + result.name(),
                () -> assertTrue(result.passed(), result.file() + ": " + String.join("; ", result.failures()))));
    }
}
