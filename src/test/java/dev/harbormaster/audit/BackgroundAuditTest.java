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
                Leadership.sole());
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

    /**
     * The report as Policy Reporter reads a wgpolicyk8s.io/v1alpha2 PolicyReport: scope, summary with
     * the five counts, and per result source, policy, rule, category, result and severity from the
     * schema's enums, a message, the resource, and timestamp{seconds,nanos}.
     */
    @Test
    @SuppressWarnings("unchecked")
    void theReportHasTheShapePolicyReporterReads() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shape").endMetadata().build()).create();
        client.apps().deployments().inNamespace("shape").resource(deployment("shape", "legacy", "nginx:latest", false)).create();
        long before = java.time.Instant.now().getEpochSecond();

        audit(1000).runCycle();

        GenericKubernetesResource report = report("shape");
        assertThat(report.getApiVersion()).isEqualTo("wgpolicyk8s.io/v1alpha2");
        assertThat(report.getKind()).isEqualTo("PolicyReport");
        assertThat(report.getAdditionalProperties().get("scope"))
                .isEqualTo(Map.of("apiVersion", "v1", "kind", "Namespace", "name", "shape"));
        Map<String, Object> summary = (Map<String, Object>) report.getAdditionalProperties().get("summary");
        assertThat(summary).containsOnlyKeys("pass", "fail", "warn", "error", "skip");
        assertThat(summary.values()).allSatisfy(count -> assertThat(count).isInstanceOf(Integer.class));
        List<Map<String, Object>> results = results(report);
        assertThat(results).isNotEmpty();
        Map<String, Long> counted = new java.util.TreeMap<>();
        for (Map<String, Object> result : results) {
            assertThat(result).containsOnlyKeys("source", "policy", "rule", "category", "result", "severity", "message",
                    "resources", "timestamp");
            assertThat(result.get("source")).isEqualTo("harbormaster");
            assertThat(result.get("category")).isEqualTo(BackgroundAudit.CATEGORY);
            assertThat((String) result.get("policy")).isNotEmpty();
            assertThat((String) result.get("rule")).isNotEmpty();
            assertThat(result.get("result")).isIn("fail", "warn", "error", "skip");
            assertThat(result.get("severity")).isIn("critical", "high", "medium", "low", "info");
            Map<String, Object> timestamp = (Map<String, Object>) result.get("timestamp");
            assertThat(timestamp).containsOnlyKeys("seconds", "nanos");
            assertThat(((Number) timestamp.get("seconds")).longValue()).isBetween(before, java.time.Instant.now().getEpochSecond());
            assertThat(((Number) timestamp.get("nanos")).intValue()).isBetween(0, 999_999_999);
            Map<String, Object> resource = ((List<Map<String, Object>>) result.get("resources")).get(0);
            assertThat(resource).containsEntry("apiVersion", "apps/v1").containsEntry("kind", "Deployment")
                    .containsEntry("namespace", "shape").containsEntry("name", "legacy").containsKey("uid");
            counted.merge((String) result.get("result"), 1L, Long::sum);
        }
        // The summary counts what the results list, and the passes that are not listed.
        for (String key : List.of("fail", "warn", "error", "skip")) {
            assertThat(((Number) summary.get(key)).longValue()).as(key).isEqualTo(counted.getOrDefault(key, 0L));
        }
        assertThat(((Number) summary.get("pass")).intValue()).isPositive();
        // A Deny policy's failure is high, so Policy Reporter's severity filter shows it first.
        assertThat(results).filteredOn(r -> r.get("policy").equals("disallow-latest-tag"))
                .singleElement().satisfies(r -> assertThat(r).containsEntry("result", "fail").containsEntry("severity", "high"));
    }

    /** Only the Lease's holder writes: a replica that does not hold it audits nothing. */
    @Test
    void aReplicaThatDoesNotHoldTheLeaseWritesNoReport() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("follower").endMetadata().build()).create();
        client.apps().deployments().inNamespace("follower").resource(deployment("follower", "legacy", "nginx:latest", false)).create();
        java.time.ZonedDateTime now = java.time.ZonedDateTime.now();
        client.leases().inNamespace("follower").resource(new io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder()
                .withNewMetadata().withName("writer").withNamespace("follower").endMetadata()
                .withNewSpec().withHolderIdentity("another-replica").withLeaseDurationSeconds(3600)
                .withAcquireTime(now).withRenewTime(now).withLeaseTransitions(0).endSpec().build()).create();
        Leadership follower = Leadership.elected(client, "follower", "writer", "this-replica",
                new Leadership.Timing(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofMillis(200)));
        try {
            BackgroundAudit audit = new BackgroundAudit(true, Duration.ofMinutes(5), 1000, clients, policies, engine, cluster,
                    metrics, follower);
            // Several tries at the Lease, all refused: it is held for an hour.
            org.awaitility.Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> !follower.leads());

            audit.tick();

            assertThat(report("follower")).isNull();
        } finally {
            follower.close();
        }
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
