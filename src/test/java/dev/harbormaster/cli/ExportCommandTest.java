package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExportCommandTest {

    @Test
    void exportVapWritesTheFilesAndReportsWhatDidNotLowerWithWhy(@TempDir Path out) {
        CliRun run = CliRun.of("export", "vap", "--policies", "policies", "-o", out.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).contains("lowered      disallow-latest-tag")
                .contains("not lowered  require-pdb: variables.covered reads the cluster (cluster.*)");
        assertThat(out.resolve("validating/disallow-latest-tag.yaml")).exists();
        assertThat(out.resolve("report.yaml")).exists();
    }

    @Test
    void aPackThatLowersWholeExitsZero(@TempDir Path out) {
        CliRun run = CliRun.of("export", "vap", "--no-default-policies", "--policies", "policies/pss/baseline", "-o", out.toString());
        assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
        assertThat(run.out()).doesNotContain("not lowered");
    }

    @Test
    void policiesThatDoNotLoadAreNotExported(@TempDir Path dir, @TempDir Path out) throws Exception {
        Files.writeString(dir.resolve("broken.yaml"), "apiVersion: harbormaster.dev/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: x}\nspec: {}\n");
        CliRun run = CliRun.of("export", "vap", "--no-default-policies", "--policies", dir.toString(), "-o", out.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("broken.yaml").doesNotContain("Exception");
        assertThat(out.resolve("report.yaml")).doesNotExist();
    }
}
