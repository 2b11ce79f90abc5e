package dev.harbormaster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Leader election over a Lease on the Kubernetes mock server (CRUD mode): one writer, and a take-over when it goes. */
@EnableKubernetesMockClient(crud = true)
class LeadershipTest {

    static KubernetesClient client;

    private static final Leadership.Timing QUICK = new Leadership.Timing(Duration.ofSeconds(3), Duration.ofSeconds(2),
            Duration.ofMillis(200));

    private static Leadership replica(String lease, String pod) {
        return Leadership.elected(client, "harbormaster", lease, pod, QUICK);
    }

    private static Lease lease(String name) {
        return client.leases().inNamespace("harbormaster").withName(name).get();
    }

    @Test
    void oneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItReleasesTheLease() {
        Leadership a = replica("release", "hm-a");
        Leadership b = replica("release", "hm-b");
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> a.leads() || b.leads());
            Leadership leader = a.leads() ? a : b;
            Leadership follower = leader == a ? b : a;
            assertThat(follower.leads()).isFalse();
            assertThat(lease("release").getSpec().getHolderIdentity()).isEqualTo(leader.identity());

            leader.close();

            assertThat(leader.leads()).isFalse();
            // Released: taken at the follower's next try, well before the 3 s lease would have expired.
            await().atMost(Duration.ofSeconds(10)).until(follower::leads);
            assertThat(lease("release").getSpec().getHolderIdentity()).isEqualTo(follower.identity());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    void aLeaderThatStopsRenewingIsReplacedOnceItsLeaseExpires() {
        // A leader whose pod vanished: it holds the Lease, renewed a moment ago, and will never renew again.
        assertThat(lease("vanished")).isNull(); // the client's first call is slow; "now" is taken after it
        ZonedDateTime now = ZonedDateTime.now();
        client.leases().inNamespace("harbormaster").resource(new LeaseBuilder()
                .withNewMetadata().withName("vanished").withNamespace("harbormaster").endMetadata()
                .withNewSpec().withHolderIdentity("hm-gone").withLeaseDurationSeconds(3)
                .withAcquireTime(now)
                .withRenewTime(now)
                .withLeaseTransitions(0).endSpec().build()).create();
        Leadership survivor = replica("vanished", "hm-survivor");
        try {
            // While the gone leader's lease runs, the survivor tries and is refused.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !survivor.leads());
            assertThat(lease("vanished").getSpec().getHolderIdentity()).isEqualTo("hm-gone");

            await().atMost(Duration.ofSeconds(10)).until(survivor::leads);
            Lease taken = lease("vanished");
            assertThat(taken.getSpec().getHolderIdentity()).isEqualTo("hm-survivor");
            assertThat(taken.getSpec().getLeaseTransitions()).isEqualTo(1);
        } finally {
            survivor.close();
        }
    }

    @Test
    void theLeaderKeepsTheLeaseWhileItRenews() {
        Leadership first = replica("steady", "hm-first");
        try {
            await().atMost(Duration.ofSeconds(10)).until(first::leads);
            Leadership second = replica("steady", "hm-second");
            try {
                // Several lease durations: the leader renews, the second replica never takes over.
                await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5))
                        .until(() -> first.leads() && !second.leads());
                assertThat(List.of(lease("steady").getSpec().getHolderIdentity())).containsExactly("hm-first");
            } finally {
                second.close();
            }
        } finally {
            first.close();
        }
    }

    @Test
    void withoutAClusterThisProcessLeads() {
        assertThat(Leadership.sole().leads()).isTrue();
    }

    @Test
    void timingsInTheWrongOrderAreRefusedWithTheSettingsNames() {
        assertThatThrownBy(() -> new Leadership.Timing(Duration.ofSeconds(10), Duration.ofSeconds(15), Duration.ofSeconds(2)))
                .hasMessage("harbormaster.leader-election.renew-deadline (PT15S) must be shorter than "
                        + "harbormaster.leader-election.lease-duration (PT10S)");
        assertThatThrownBy(() -> new Leadership.Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .hasMessageStartingWith("harbormaster.leader-election.retry-period (PT10S) must be positive and shorter");
    }
}
