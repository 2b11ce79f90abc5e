package dev.harbormaster.cli;

import static dev.harbormaster.policy.TestPolicies.validating;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input that once hung the CLI or made it print a stack trace: exit 2 and one line each. */
class HostileInputTest {

    @TempDir
    Path dir;

    private static void assertOneLineExit2(CliRun run, String... contains) {
        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(contains).doesNotContain("\tat ", "Exception");
    }

    /** A 50 MB scalar kept snakeyaml busy for minutes before its own limit tripped. */
    @Test
    void aFiftyMegabyteDocumentIsRefusedFast() throws Exception {
        Path big = dir.resolve("big.yaml");
        Files.writeString(big, "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata:\n  k: " + "x".repeat(50_000_000) + "\n");
        CliRun run = Assertions.assertTimeoutPreemptively(Duration.ofSeconds(30), () -> CliRun.of("audit", "--offline", big.toString()));
        assertOneLineExit2(run, "big.yaml (document 1, line 1)", "over the limit of 3145728 characters");
    }

    @Test
    void manyDocumentsUnderTheLimitAreStillRead() throws Exception {
        Path many = dir.resolve("many.yaml");
        String document = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c%d}\ndata: {k: '" + "x".repeat(100_000) + "'}\n";
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            text.append("---\n").append(document.formatted(i));
        }
        Files.writeString(many, text);
        CliRun run = CliRun.of("audit", "--offline", "-o", "json", many.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
    }

    @Test
    void aPolicyDirectoryWithALinkLoopIsExit2InOneLine() throws Exception {
        Files.writeString(dir.resolve("p.yaml"), validating("fine", "true"));
        Files.createSymbolicLink(dir.resolve("loop"), dir);
        Path manifest = dir.resolve("../cm.json");
        Files.writeString(manifest, "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
        assertOneLineExit2(CliRun.of("audit", "--offline", "--policies", dir.toString(), manifest.toString()), "loop", "symbolic link loop");
        assertOneLineExit2(CliRun.of("test", "--policies", dir.toString()), "symbolic link loop");
    }

    /** It was passed over without a word. */
    @Test
    void aManifestDirectoryWithALinkLoopIsExit2InOneLine() throws Exception {
        Files.writeString(dir.resolve("cm.json"), "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"c\"}}");
        Files.createDirectories(dir.resolve("sub"));
        Files.createSymbolicLink(dir.resolve("sub/back"), dir);
        assertOneLineExit2(CliRun.of("audit", "--offline", dir.toString()), "sub/back", "symbolic link loop");
    }

    @Test
    void aBinaryManifestIsExit2NamingIt() throws Exception {
        Path binary = dir.resolve("image.yaml");
        Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', 0, 0, (byte) 0xff});
        assertOneLineExit2(CliRun.of("audit", "--offline", binary.toString()), "image.yaml", "not UTF-8");
    }
}
