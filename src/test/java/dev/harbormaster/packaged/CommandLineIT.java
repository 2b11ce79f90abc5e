package dev.harbormaster.packaged;

import static org.assertj.core.api.Assertions.assertThat;

import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainIntegrationTest;
import org.junit.jupiter.api.Test;

/**
 * The executable's commands, run as a process from the packaged artifact (the jar, or the native
 * executable with -Pnative, where picocli needs its generated reflection metadata to start at all).
 */
@QuarkusMainIntegrationTest
class CommandLineIT {

    @Test
    @Launch("version")
    void version(LaunchResult result) {
        assertThat(result.getOutput()).startsWith("harbormaster ");
    }

    @Test
    @Launch("--help")
    void help(LaunchResult result) {
        assertThat(result.getOutput()).contains("Usage: harbormaster").contains("audit").contains("test").contains("version");
    }

    @Test
    @Launch({"test", "--policies", "policies"})
    void theDefaultPackPassesItsOwnTests(LaunchResult result) {
        assertThat(result.getOutput()).containsPattern("(?m)^\\d+ passed, 0 failed$");
    }

    @Test
    @Launch(value = {"audit", "--offline", "../shared/fixtures/manifests/01-deploy-latest.yaml"}, exitCode = 1)
    void auditFindsADenyViolation(LaunchResult result) {
        assertThat(result.getOutput()).contains("disallow-latest-tag");
    }

    @Test
    @Launch(value = {"audit", "no-such-file.yaml"}, exitCode = 2)
    void auditRefusesAMissingFileWithOneLine(LaunchResult result) {
        assertThat(result.getErrorOutput().strip()).contains("no-such-file.yaml").doesNotContain("\n").doesNotContain("Exception");
    }

    /** It printed its help; before, it started the server and died with a stack trace. */
    @Test
    @Launch({"serve", "--help"})
    void serveHelpPrintsHelpAndDoesNotStartTheServer(LaunchResult result) {
        assertThat(result.getOutput()).startsWith("Usage: harbormaster serve").doesNotContain("Listening on");
    }

    @Test
    @Launch({"audit", "--help"})
    void auditHelp(LaunchResult result) {
        assertThat(result.getOutput()).startsWith("Usage: harbormaster audit").contains("--no-default-policies").contains("--skip");
    }

    @Test
    @Launch({"completion", "bash"})
    void completion(LaunchResult result) {
        assertThat(result.getOutput()).contains("complete -F").contains("audit");
    }
}
