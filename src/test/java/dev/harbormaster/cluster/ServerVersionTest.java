package dev.harbormaster.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.VersionInfo;
import org.junit.jupiter.api.Test;

/** The API server's /version as the mutations' version checks read it. */
class ServerVersionTest {

    private static VersionInfo version(String major, String minor) {
        return new VersionInfo.Builder().withMajor(major).withMinor(minor).build();
    }

    @Test
    void majorAndMinorAreReadAsManagedClustersWriteThem() {
        assertThat(InformerClusterView.majorMinor(version("1", "34"))).contains("1.34");
        // EKS and GKE give the minor with a '+'.
        assertThat(InformerClusterView.majorMinor(version("1", "31+"))).contains("1.31");
    }

    @Test
    void aVersionWithoutMajorOrMinorIsNoVersion() {
        // fabric8's mock server in CRUD mode answers /version with neither.
        assertThat(InformerClusterView.majorMinor(version(null, null))).isEmpty();
        assertThat(InformerClusterView.majorMinor(version("1", null))).isEmpty();
        assertThat(InformerClusterView.majorMinor(version("", "+"))).isEmpty();
        assertThat(InformerClusterView.majorMinor(null)).isEmpty();
    }
}
