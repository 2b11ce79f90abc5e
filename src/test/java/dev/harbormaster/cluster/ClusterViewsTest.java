package dev.harbormaster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.config.HarbormasterConfig.Cluster.Watch;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** harbormaster.cluster.enabled: auto watches in a pod or when an API server is configured. */
class ClusterViewsTest {

    @ParameterizedTest(name = "{0}, in a pod {1}, API server configured {2}: watch {3}")
    @CsvSource({
            "AUTO, false, false, false",
            "AUTO, true, false, true",
            "AUTO, false, true, true",
            "TRUE, false, false, true",
            "FALSE, true, true, false",
    })
    void watchesWhenItShould(Watch setting, boolean inPod, boolean configured, boolean expected) {
        assertThat(ClusterViews.watch(setting, inPod, configured)).isEqualTo(expected);
    }
}
