package dev.harbormaster.chart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.intree.Export;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The chart's in-tree/ files (and crds/policyparams.yaml) are what {@code harbormaster export vap}
 * writes now for the chart's default pack, file for file, so a policy change cannot leave the
 * in-tree policies behind. After changing a policy, write them again with
 * {@code ./mvnw -o test -Dtest=InTreeFilesTest -Dharbormaster.writeInTree=true}.
 */
class InTreeFilesTest {

    static final Path IN_TREE = RenderedChart.CHART.resolve("in-tree");
    static final Path CRD = RenderedChart.CHART.resolve("crds/policyparams.yaml");

    @Test
    void theChartsInTreeFilesAreWhatExportWritesForItsPack() throws Exception {
        List<PolicySource> pack = PolicyLoader.readDirectory(RenderedChart.CHART.resolve("policies"));
        new PolicyLoader(new CelEnvironment()).load(pack, "the chart's pack");
        Export.Exported exported = Export.export(pack);
        Map<String, String> expected = new TreeMap<>(exported.files());
        String crd = expected.remove("crds/policyparams.yaml");
        if (Boolean.getBoolean("harbormaster.writeInTree")) {
            if (Files.isDirectory(IN_TREE)) {
                try (Stream<Path> old = Files.walk(IN_TREE)) {
                    old.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                }
            }
            Export.write(new Export.Exported(expected, exported.results()), IN_TREE);
            Files.createDirectories(CRD.getParent());
            Files.writeString(CRD, crd, StandardCharsets.UTF_8);
        }
        Map<String, String> actual = new TreeMap<>();
        try (Stream<Path> files = Files.walk(IN_TREE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                actual.put(IN_TREE.relativize(file).toString().replace('\\', '/'), Files.readString(file));
            }
        }
        assertThat(actual).as("charts/harbormaster/in-tree (write it again: see this test's comment)").isEqualTo(expected);
        assertThat(Files.readString(CRD)).isEqualTo(crd);
    }
}
