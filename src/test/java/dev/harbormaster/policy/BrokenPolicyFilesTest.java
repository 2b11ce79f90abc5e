package dev.harbormaster.policy;

import static dev.harbormaster.policy.TestPolicies.validating;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harbormaster.cel.CelEnvironment;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Policy directories as they break in practice: binary files, link loops, RE2-incompatible regexes; errors that say where. */
class BrokenPolicyFilesTest {

    private final PolicyLoader loader = new PolicyLoader(new CelEnvironment());

    @TempDir
    Path dir;

    @Test
    void aFileThatIsNotUtf8IsAnErrorNamingIt() throws IOException {
        Files.writeString(dir.resolve("good.yaml"), validating("good", "true"));
        Files.write(dir.resolve("binary.yaml"), new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, 2, (byte) 0xc3, 0x28});
        assertThatThrownBy(() -> PolicyLoader.readDirectory(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(dir.resolve("binary.yaml").toString())
                .hasMessageContaining("not UTF-8");
    }

    @Test
    void aSymbolicLinkLoopIsOneLineNamingTheLink() throws IOException {
        Files.writeString(dir.resolve("good.yaml"), validating("good", "true"));
        Files.createDirectories(dir.resolve("team"));
        Files.createSymbolicLink(dir.resolve("team/again"), dir);
        assertThatThrownBy(() -> PolicyLoader.readDirectory(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("team/again")
                .hasMessageContaining("symbolic link loop")
                .hasMessageNotContaining("\n");
    }

    /** Readiness shows it (it was only a stack trace in the log, every 2 s), and the good set stays in force. */
    @Test
    void anUnreadableDirectoryOnReloadIsShownInReadiness() throws IOException {
        Files.writeString(dir.resolve("good.yaml"), validating("good", "true"));
        PolicyStore store = new PolicyStore(Optional.of(dir), new SimpleMeterRegistry());
        store.beginFirstLoad(null);
        store.awaitFirstLoad(null);
        Files.createDirectories(dir.resolve("team"));
        Files.createSymbolicLink(dir.resolve("team/again"), dir);

        store.reloadIfChanged();

        assertThat(store.current().size()).isEqualTo(1);
        PolicyReadinessCheck check = new PolicyReadinessCheck();
        check.store = store;
        HealthCheckResponse ready = check.call();
        assertThat(ready.getStatus()).isEqualTo(HealthCheckResponse.Status.UP);
        assertThat(ready.getData().orElseThrow().get("lastReloadError").toString()).contains("team/again", "symbolic link loop");
    }

    @Test
    void aConstantRegexRe2CannotCompileIsRefusedAtLoad() {
        PolicyLoadException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class, () -> loader.load(
                List.of(new PolicySource("r.yaml", validating("backref", "object.metadata.name.matches('(a)\\\\1')"))), "test"));
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("spec.validations[0].expression");
            assertThat(error.message()).contains("(a)\\1", "does not compile");
        });
    }

    @Test
    void aRegexRe2CompilesStillLoads() throws Exception {
        assertThat(loader.load(List.of(new PolicySource("r.yaml", validating("fine", "object.metadata.name.matches('^[a-z]+(-[a-z]+)*$')"))), "test")
                .size()).isEqualTo(1);
    }

    /** The line of the field that is wrong, not the document's first line. */
    @Test
    void anErrorPointsAtTheLineOfItsField() {
        String content = validating("ok", "true") + "---\n" + validating("broken", "object.spec.containers.all(c, c.image.startsWith(1))");
        PolicyLoadException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> loader.load(List.of(new PolicySource("p.yaml", content)), "test"));
        List<String> lines = content.lines().toList();
        PolicyError error = e.errors().get(0);
        assertThat(lines.get(error.line() - 1)).contains("- expression:").contains("startsWith(1)");
    }
}
