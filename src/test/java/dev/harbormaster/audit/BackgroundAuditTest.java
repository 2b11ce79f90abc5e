package dev.harbormaster.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cluster.Leadership;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.policy.PolicyStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The background audit against the Kubernetes mock server in CRUD mode. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class BackgroundAuditTest {

    @Inject
    KubernetesClient client;
    @Inject
    Instance<KubernetesClient> clients;
    @Inject
    PolicyStore policies;
    @Inject
    Engine engine;
    @Inject
    ClusterView cluster;
    @Inject
    MeterRegistry metrics;
    @KubernetesTestServer
    KubernetesServer server;

    private BackgroundAudit audit(int budget) {
        return new BackgroundAudit(true, Duration.ofMinutes(5), budget, clients, policies, engine, cluster, metrics,
                new Leadership());
    }

    private static Deployment deployment(String namespace, String name, String image, boolean probes) {
        var container = new io.fabric8.kubernetes.api.model.ContainerBuilder().withName(name).withImage(image);
        if (probes) {
            container.withNewLivenessProbe().withNewHttpGet().withPath("/healthz").withNewPort(8080).endHttpGet().endLivenessProbe()
                    .withNewReadinessProbe().withNewHttpGet().withPath("/ready").withNewPort(8080).endHttpGet().endReadinessProbe();
        }
        return new DeploymentBuilder().withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withReplicas(1).withNewSelector().addToMatchLabels("app", name).endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
                .withNewSpec().withContainers(container.build()).endSpec().endTemplate().endSpec().build();
    }

    private GenericKubernetesResource report(String namespace) {
        return client.genericKubernetesResources(BackgroundAudit.POLICY_REPORT).inNamespace(namespace).withName(BackgroundAudit.REPORT_NAME).get();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> results(GenericKubernetesResource report) {
        return (List<Map<String, Object>>) report.getAdditionalProperties().get("results");
    }

    private static List<String> failing(GenericKubernetesResource report, String name) {
        return results(report).stream()
                .filter(r -> r.get("result").equals("fail"))
                .filter(r -> ((List<Map<String, Object>>) r.get("resources")).get(0).get("name").equals(name))
                .map(r -> (String) r.get("policy")).sorted().toList();
    }

    @Test
    @SuppressWarnings("unchecked")
    void reportsAreCreatedUpdatedWhenFixedAndRemovedWhenDeleted() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        client.apps().deployments().inNamespace("shop").resource(deployment("shop", "legacy", "nginx:latest", false)).create();
        client.apps().deployments().inNamespace("shop").resource(deployment("shop", "tidy", "tidy:1.0", true)).create();
        BackgroundAudit audit = audit(1000);

        BackgroundAudit.Cycle first = audit.runCycle();
        assertThat(first.complete()).isTrue();
        GenericKubernetesResource report = report("shop");
        assertThat(report).isNotNull();
        assertThat(report.getApiVersion()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(failing(report, "legacy")).containsExactly("disallow-latest-tag", "require-probes", "require-probes");
        assertThat(failing(report, "tidy")).isEmpty();
        Map<String, Object> summary = (Map<String, Object>) report.getAdditionalProperties().get("summary");
        assertThat(((Number) summary.get("fail")).intValue()).isEqualTo(3);
        assertThat(((Number) summary.get("pass")).intValue()).isPositive();
        Map<String, Object> one = results(report).get(0);
        assertThat(one).containsKeys("policy", "rule", "result", "severity", "message", "timestamp", "resources", "source");

        String version = report.getMetadata().getResourceVersion();
        assertThat(audit.runCycle().reportsWritten()).as("nothing changed: no write").isZero();
        assertThat(report("shop").getMetadata().getResourceVersion()).isEqualTo(version);

        client.apps().deployments().inNamespace("shop").resource(deployment("shop", "legacy", "nginx:1.27.0", true)).update();
        assertThat(audit.runCycle().reportsWritten()).isEqualTo(1);
        assertThat(failing(report("shop"), "legacy")).isEmpty();

        client.apps().deployments().inNamespace("shop").withName("legacy").delete();
        client.apps().deployments().inNamespace("shop").withName("tidy").delete();
        assertThat(audit.runCycle().reportsDeleted()).isEqualTo(1);
        assertThat(report("shop")).isNull();
    }

    /** A rule that denies only on UPDATE (require-pdb) reports the existing workload that breaks it. */
    @Test
    void anExistingWorkloadWithoutAPdbFailsRequirePdb() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("ha").endMetadata().build()).create();
        Deployment replicated = new DeploymentBuilder(deployment("ha", "replicated", "app:1.0", true))
                .editSpec().withReplicas(3).endSpec().build();
        client.apps().deployments().inNamespace("ha").resource(replicated).create();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cluster.unavailable().isEmpty()
                && cluster.workloads("ha").size() == 1);

        audit(1000).runCycle();

        assertThat(failing(report("ha"), "replicated")).contains("require-pdb");
    }

    @Test
    void aCycleStopsAtItsBudgetAndTheNextCarriesOn() {
        for (String namespace : List.of("team-a", "team-b")) {
            client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
            client.apps().deployments().inNamespace(namespace).resource(deployment(namespace, "app", "app:latest", true)).create();
        }
        BackgroundAudit audit = audit(1);

        BackgroundAudit.Cycle first = audit.runCycle();
        assertThat(first.complete()).isFalse();
        assertThat(report("team-a")).isNotNull();
        assertThat(report("team-b")).isNull();

        BackgroundAudit.Cycle second = audit.runCycle();
        assertThat(second.complete()).isTrue();
        assertThat(report("team-b")).isNotNull();
        assertThat(failing(report("team-b"), "app")).containsExactly("disallow-latest-tag");
    }

    @Test
    void objectsAreListedFromKubeApiserversWatchCache() throws Exception {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("cached").endMetadata().build()).create();
        client.apps().deployments().inNamespace("cached").resource(deployment("cached", "web", "web:1", true)).create();
        var mock = server.getKubernetesMockServer();
        while (mock.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS) != null) {
            // drop what came before this cycle
        }
        audit(1000).runCycle();
        List<String> lists = new java.util.ArrayList<>();
        for (var r = mock.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS); r != null;
             r = mock.takeRequest(10, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            if (r.getMethod().equals("GET") && r.getPath().contains("/namespaces/cached/") && !r.getPath().contains("policyreports")) {
                lists.add(r.getPath());
            }
        }
        assertThat(lists).as("one LIST per audited kind").hasSize(9)
                .allSatisfy(path -> assertThat(path).contains("resourceVersion=0"));
    }
}
