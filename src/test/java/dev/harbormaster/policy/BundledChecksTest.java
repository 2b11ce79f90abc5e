package dev.harbormaster.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.admission.InProcessDoors;
import dev.harbormaster.cel.BundledChecks;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CheckedExpressionCache;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import dev.harbormaster.admission.DoorAnswer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled pack's expressions type-checked by the build (target/classes/harbormaster/bundled-pack.checked,
 * written by BundledPackChecks in process-classes): used for the pack they were made from, giving the
 * answers a fresh compile gives, and refused for anything else.
 */
class BundledChecksTest {

    private static final Path ADMISSION_REVIEWS = Path.of("../shared/fixtures/admission-reviews");

    @TempDir
    Path dir;

    private static byte[] builtResource() throws IOException {
        try (InputStream in = BundledChecksTest.class.getClassLoader().getResourceAsStream(BundledChecks.RESOURCE)) {
            assertThat(in).as(BundledChecks.RESOURCE + " made by the build").isNotNull();
            return in.readAllBytes();
        }
    }

    private static BundledChecks.Outcome read(byte[] resource, List<PolicySource> pack) {
        return BundledChecks.read(resource == null ? null : new ByteArrayInputStream(resource), PolicyLoader.revision(pack));
    }

    /** How many distinct expressions a fresh load of the pack compiles (each one is offered to the store once). */
    private static int expressionsOf(List<PolicySource> pack) throws Exception {
        BundledChecks.Recorder counting = new BundledChecks.Recorder(CheckedExpressionCache.environmentVersion().orElseThrow());
        new PolicyLoader(new CelEnvironment(counting)).load(pack, "count");
        return counting.size();
    }

    @Test
    void theCachedPackAnswersEveryCapturedReviewAsTheFreshlyCompiledOne() throws Exception {
        List<PolicySource> pack = PolicyLoader.readBundled();
        BundledChecks checks = read(builtResource(), pack).checks().orElseThrow();
        PolicySet cached = new PolicyLoader(new CelEnvironment(checks)).load(pack, "the bundled default pack");
        PolicySet fresh = new PolicyLoader(new CelEnvironment()).load(pack, "the bundled default pack");
        assertThat(checks.hits()).as("every expression of the pack came from the build's checks").isEqualTo(expressionsOf(pack)).isGreaterThan(50);
        assertThat(cached.size()).isEqualTo(fresh.size());

        InProcessDoors fromCache = new InProcessDoors(cached);
        InProcessDoors compiled = new InProcessDoors(fresh);
        List<Path> reviews;
        try (Stream<Path> files = Files.list(ADMISSION_REVIEWS)) {
            reviews = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
        assertThat(reviews).hasSizeGreaterThanOrEqualTo(20);
        List<String> answers = new ArrayList<>();
        for (Path review : reviews) {
            byte[] body = Files.readAllBytes(review);
            for (String door : List.of("validate", "mutate")) {
                DoorAnswer expected = compiled.answer(door, body);
                DoorAnswer actual = fromCache.answer(door, body);
                assertThat(actual.status()).as(door + " " + review.getFileName()).isEqualTo(expected.status());
                assertThat(InProcessDoors.text(actual)).as(door + " " + review.getFileName()).isEqualTo(InProcessDoors.text(expected));
                answers.add(InProcessDoors.text(expected));
            }
        }
        // The reviews exercise the pack: some are denied, some allowed with warnings, some patched.
        assertThat(answers).anySatisfy(a -> assertThat(a).contains("\"allowed\":false"))
                .anySatisfy(a -> assertThat(a).contains("\"allowed\":true"))
                .anySatisfy(a -> assertThat(a).contains("\"warnings\""))
                .anySatisfy(a -> assertThat(a).contains("\"patch\""));
    }

    @Test
    void refusedWhenThePacksFilesDifferFromThoseTheBuildSaw() throws Exception {
        List<PolicySource> pack = new ArrayList<>(PolicyLoader.readBundled());
        PolicySource first = pack.get(0);
        pack.set(0, new PolicySource(first.name(), first.content() + "\n# edited after the build\n"));
        BundledChecks.Outcome outcome = read(builtResource(), pack);
        assertThat(outcome.checks()).isEmpty();
        assertThat(outcome.description()).contains("made from other files");

        List<PolicySource> fewer = PolicyLoader.readBundled().subList(1, pack.size());
        assertThat(read(builtResource(), fewer).checks()).isEmpty();
    }

    @Test
    void refusedWhenMissingDamagedOrMadeForOtherCelClasses() throws Exception {
        List<PolicySource> pack = PolicyLoader.readBundled();
        assertThat(read(null, pack).description()).contains("none were built");

        byte[] good = builtResource();
        byte[] flipped = good.clone();
        flipped[good.length / 2] ^= 0x20;
        for (byte[] damaged : List.of(flipped, java.util.Arrays.copyOf(good, good.length - 1), new byte[0], "garbage".getBytes())) {
            BundledChecks.Outcome outcome = read(damaged, pack);
            assertThat(outcome.checks()).isEmpty();
            assertThat(outcome.description()).contains("is damaged");
        }

        BundledChecks.Recorder other = new BundledChecks.Recorder("another build's CEL classes");
        new PolicyLoader(new CelEnvironment(other)).load(pack, "other");
        Path written = dir.resolve("other.checked");
        other.write(written, PolicyLoader.revision(pack));
        BundledChecks.Outcome outcome = read(Files.readAllBytes(written), pack);
        assertThat(outcome.checks()).isEmpty();
        assertThat(outcome.description()).contains("other CEL classes");

        // The same recorder's output with this build's version is taken: the refusals above are for their reasons only.
        BundledChecks.Recorder same = new BundledChecks.Recorder(CheckedExpressionCache.environmentVersion().orElseThrow());
        new PolicyLoader(new CelEnvironment(same)).load(pack, "same");
        same.write(written, PolicyLoader.revision(pack));
        assertThat(read(Files.readAllBytes(written), pack).checks()).isPresent();
    }

    @Test
    void theStoreUsesThemForTheBundledPackOnlyNeverWithAPolicyDirectory() throws Exception {
        PolicyStore bundled = new PolicyStore(Optional.empty(), new SimpleMeterRegistry());
        bundled.beginFirstLoad(null);
        bundled.awaitFirstLoad(null);
        BundledChecks.Outcome outcome = bundled.bundledChecksOutcome().orElseThrow();
        assertThat(outcome.checks()).isPresent();
        assertThat(outcome.checks().get().hits()).isEqualTo(expressionsOf(PolicyLoader.readBundled()));
        assertThat(outcome.description()).contains("type-checked at build time");

        // The very files of the pack in a run-time directory: compiled, the build's checks not even read.
        for (PolicySource source : PolicyLoader.readBundled()) {
            Files.writeString(dir.resolve(Path.of(source.name()).getFileName()), source.content());
        }
        PolicyStore fromDirectory = new PolicyStore(Optional.of(dir), new SimpleMeterRegistry());
        fromDirectory.beginFirstLoad(null);
        fromDirectory.awaitFirstLoad(null);
        assertThat(fromDirectory.current().size()).isEqualTo(bundled.current().size());
        assertThat(fromDirectory.bundledChecksOutcome()).isEmpty();
    }

    /** The build step compiles the pack it finds on the class path; one that does not load fails the build, with the loader's error. */
    @Test
    void theBuildStepWritesThePacksChecksAndFailsOnABrokenPack() throws Exception {
        Path good = Files.createDirectories(dir.resolve("good/policies"));
        Files.writeString(good.resolve("one.yaml"), TestPolicies.validating("one", "object.metadata.name != 'x'"));
        Path broken = Files.createDirectories(dir.resolve("broken/policies"));
        Files.writeString(broken.resolve("bad.yaml"), TestPolicies.validating("bad", "object.metadata.name + 1"));
        Path output = dir.resolve("classes");
        ClassLoader before = Thread.currentThread().getContextClassLoader();
        try (var goodPack = new java.net.URLClassLoader(new java.net.URL[] {good.getParent().toUri().toURL()}, null);
                var brokenPack = new java.net.URLClassLoader(new java.net.URL[] {broken.getParent().toUri().toURL()}, null)) {
            Thread.currentThread().setContextClassLoader(goodPack);
            BundledPackChecks.main(new String[] {output.toString()});
            List<PolicySource> pack = PolicyLoader.readBundled();
            BundledChecks.Outcome outcome = read(Files.readAllBytes(output.resolve(BundledChecks.RESOURCE)), pack);
            assertThat(outcome.description()).isEqualTo("1 expressions type-checked at build time");

            Thread.currentThread().setContextClassLoader(brokenPack);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> BundledPackChecks.main(new String[] {dir.resolve("other").toString()}))
                    .isInstanceOf(PolicyLoadException.class).hasMessageContaining("bad.yaml");
            assertThat(dir.resolve("other")).doesNotExist();
        } finally {
            Thread.currentThread().setContextClassLoader(before);
        }
    }
}
