package dev.harbormaster.cel;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cel.common.types.SimpleType;
import dev.harbormaster.audit.PolicyTestRunner;
import dev.harbormaster.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI's cache of type-checked expressions: read back as compiled, keyed by all it depends on, never trusted when damaged. */
class CheckedExpressionCacheTest {

    @TempDir
    Path dir;

    private static Object eval(CelExpression expression) {
        CelResult result = expression.eval(name -> java.util.Optional.empty(), Budget.start(EvaluationLimits.DEFAULT));
        return ((CelResult.Value) result).value();
    }

    private static List<Path> entries(Path dir) throws Exception {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().toList();
        }
    }

    @Test
    void anEntryIsWrittenOnceAndReadInsteadOfCompiling() throws Exception {
        CheckedExpressionCache cache = new CheckedExpressionCache(dir, "v1");
        assertThat(eval(new CelEnvironment(cache).compile("1 + 1 == 2", SimpleType.BOOL))).isEqualTo(true);
        List<Path> written = entries(dir);
        assertThat(written).hasSize(1).allSatisfy(p -> assertThat(p.toString()).endsWith(".checked"));

        // Plant the checked form of another expression under this one's name: what runs shows the entry was read.
        Path planted = Files.createDirectory(dir.resolve("other"));
        CheckedExpressionCache other = new CheckedExpressionCache(planted, "v1");
        new CelEnvironment(other).compile("1 + 1 == 3", SimpleType.BOOL);
        Files.copy(entries(planted).get(0), written.get(0), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(eval(new CelEnvironment(cache).compile("1 + 1 == 2", SimpleType.BOOL))).as("read from the cache").isEqualTo(false);
    }

    @Test
    void theKeyIsTheExpressionItsResultTypeAndTheEnvironmentVersion() throws Exception {
        new CelEnvironment(new CheckedExpressionCache(dir, "v1")).compile("'a'", SimpleType.DYN);
        new CelEnvironment(new CheckedExpressionCache(dir, "v1")).compile("'a'", SimpleType.STRING);
        new CelEnvironment(new CheckedExpressionCache(dir, "v2")).compile("'a'", SimpleType.DYN);
        new CelEnvironment(new CheckedExpressionCache(dir, "v1")).compile("'b'", SimpleType.DYN);
        assertThat(entries(dir)).hasSize(4);
        new CelEnvironment(new CheckedExpressionCache(dir, "v1")).compile("'a'", SimpleType.DYN);
        assertThat(entries(dir)).hasSize(4);
    }

    @Test
    void aDamagedEntryIsIgnoredAndWrittenAgain() throws Exception {
        CheckedExpressionCache cache = new CheckedExpressionCache(dir, "v1");
        new CelEnvironment(cache).compile("[1, 2].size() == 2", SimpleType.BOOL);
        Path entry = entries(dir).get(0);
        byte[] good = Files.readAllBytes(entry);
        byte[] flipped = good.clone();
        flipped[flipped.length - 3] ^= 0x5a;
        for (byte[] damaged : List.of(flipped, java.util.Arrays.copyOf(good, good.length / 2), new byte[0], "garbage".getBytes())) {
            Files.write(entry, damaged);
            assertThat(eval(new CelEnvironment(cache).compile("[1, 2].size() == 2", SimpleType.BOOL))).isEqualTo(true);
            assertThat(Files.readAllBytes(entry)).as("rewritten whole").isEqualTo(good);
        }
    }

    @Test
    void anExpressionThatDoesNotCompileIsNotCachedAndStillFails() throws Exception {
        CheckedExpressionCache cache = new CheckedExpressionCache(dir, "v1");
        for (int i = 0; i < 2; i++) {
            try {
                new CelEnvironment(cache).compile("1 + 'a'", SimpleType.DYN);
                throw new AssertionError("compiled");
            } catch (CelCompileException e) {
                assertThat(e.getMessage()).contains("no matching overload");
            }
        }
        assertThat(entries(dir)).isEmpty();
    }

    @Test
    void concurrentRunsWritingTheSameEntriesLeaveWholeOnes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Callable<Object>> runs = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                runs.add(() -> eval(new CelEnvironment(new CheckedExpressionCache(dir, "v1")).compile("'x' + 'y' == 'xy'", SimpleType.BOOL)));
            }
            for (Future<Object> run : pool.invokeAll(runs)) {
                assertThat(run.get()).isEqualTo(true);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(entries(dir)).hasSize(1).allSatisfy(p -> assertThat(p.toString()).endsWith(".checked"));
        assertThat(eval(new CelEnvironment(new CheckedExpressionCache(dir, "v1")).compile("'x' + 'y' == 'xy'", SimpleType.BOOL))).isEqualTo(true);
    }

    /** Every expression of the default pack, read back from the cache, passes the pack's own tests. */
    @Test
    void theDefaultPackFromAWarmCachePassesItsTests() throws Exception {
        CheckedExpressionCache cache = new CheckedExpressionCache(dir, "v1");
        List<PolicyTestRunner.CaseResult> cold = new PolicyTestRunner(new CelEnvironment(cache)).run(PolicyLoader.readDirectory(Path.of("policies")));
        int written = entries(dir).size();
        assertThat(written).isGreaterThan(50);
        List<PolicyTestRunner.CaseResult> warm = new PolicyTestRunner(new CelEnvironment(cache)).run(PolicyLoader.readDirectory(Path.of("policies")));
        assertThat(entries(dir)).as("nothing new to write").hasSize(written);
        assertThat(warm).hasSameSizeAs(cold).isNotEmpty().allSatisfy(result -> assertThat(result.failures()).as(result.id()).isEmpty());
    }

    @Test
    void theUsersCacheIsUnderXdgCacheHomeOrTheHomeCache() {
        assertThat(CheckedExpressionCache.forUser(Map.of("XDG_CACHE_HOME", dir.toString())).orElseThrow().directory())
                .isEqualTo(dir.resolve("harbormaster/cel"));
        assertThat(CheckedExpressionCache.forUser(Map.of()).orElseThrow().directory())
                .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "harbormaster", "cel"));
        assertThat(CheckedExpressionCache.environmentVersion()).isPresent();
    }

    /**
     * The build digests target/classes, the packaged application its jar: the same classes give the
     * same version either way (or the build's checked expressions would never be used), and a changed
     * class another.
     */
    @Test
    void theClassesDigestIsTheSameFromAFolderAndFromAJarOfIt() throws Exception {
        Path classes = Path.of("target/classes");
        String prefix = "dev/harbormaster/cel/";
        Path jar = dir.resolve("classes.jar");
        try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(classes.resolve(prefix))) {
            for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
                out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString()));
                out.write(Files.readAllBytes(file));
                out.closeEntry();
            }
            // outside the prefix: not part of the digest
            out.putNextEntry(new java.util.jar.JarEntry("dev/harbormaster/Other.class"));
            out.write(new byte[] {1, 2, 3});
            out.closeEntry();
        }
        String fromFolder = CelClassesVersion.classesDigest(classes, prefix);
        assertThat(CelClassesVersion.classesDigest(jar, prefix)).isEqualTo(fromFolder);

        Path changed = dir.resolve("changed");
        Files.createDirectories(changed.resolve(prefix));
        try (Stream<Path> files = Files.list(classes.resolve(prefix))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, changed.resolve(prefix).resolve(file.getFileName()));
            }
        }
        assertThat(CelClassesVersion.classesDigest(changed, prefix)).isEqualTo(fromFolder);
        Path one = changed.resolve(prefix).resolve("CelEnvironment.class");
        byte[] bytes = Files.readAllBytes(one);
        bytes[bytes.length - 1] ^= 1;
        Files.write(one, bytes);
        assertThat(CelClassesVersion.classesDigest(changed, prefix)).isNotEqualTo(fromFolder);
    }
}
