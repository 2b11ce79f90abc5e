package dev.harbormaster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.harbormaster.admission.Fixtures;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudgetBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The informer-backed ClusterView against the Kubernetes mock server in CRUD mode. */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class InformerClusterViewTest {

    @Inject
    ClusterView view;

    @Inject
    KubernetesClient client;

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    @TestHTTPResource(value = "/", management = true)
    URL management;

    @BeforeEach
    void synced() {
        assertThat(view).isInstanceOf(InformerClusterView.class);
        await().atMost(Duration.ofSeconds(30)).until(() -> view.unavailable().isEmpty());
    }

    private static PodDisruptionBudget pdb(String namespace, String name, String app, int minAvailable) {
        return new PodDisruptionBudgetBuilder()
                .withNewMetadata().withName(name).withNamespace(namespace).endMetadata()
                .withNewSpec().withMinAvailable(new IntOrString(minAvailable))
                .withNewSelector().addToMatchLabels("app", app).endSelector().endSpec()
                .build();
    }

    @Test
    @SuppressWarnings("unchecked")
    void followsPodDisruptionBudgetsThroughCreateUpdateAndDelete() {
        client.policy().v1().podDisruptionBudget().inNamespace("shop").resource(pdb("shop", "web", "web", 1)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.podDisruptionBudgets("shop").size() == 1);
        Map<String, Object> seen = view.podDisruptionBudgets("shop").get(0);
        assertThat(((Map<String, Object>) seen.get("metadata")).get("name")).isEqualTo("web");
        assertThat((Map<String, Object>) seen.get("spec")).containsEntry("minAvailable", 1L);
        assertThat(view.podDisruptionBudgets("other")).isEmpty();

        client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web")
                .edit(p -> new PodDisruptionBudgetBuilder(p).editSpec().withMinAvailable(new IntOrString(2)).endSpec().build());
        await().atMost(Duration.ofSeconds(10)).until(() ->
                ((Map<String, Object>) view.podDisruptionBudgets("shop").get(0).get("spec")).get("minAvailable").equals(2L));

        client.policy().v1().podDisruptionBudget().inNamespace("shop").withName("web").delete();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.podDisruptionBudgets("shop").isEmpty());
    }

    @Test
    @SuppressWarnings("unchecked")
    void keepsWorkloadsTrimmedToWhatPoliciesRead() {
        client.apps().deployments().inNamespace("shop").resource(new DeploymentBuilder()
                .withNewMetadata().withName("api").withNamespace("shop")
                .addToAnnotations("kubectl.kubernetes.io/last-applied-configuration", "{\"a\": \"large blob\"}").endMetadata()
                .withNewSpec().withReplicas(3)
                .withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage("api:1").endContainer().endSpec()
                .endTemplate().endSpec().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.workloads("shop").size() == 1);

        Map<String, Object> api = view.workloads("shop").get(0);
        Map<String, Object> spec = (Map<String, Object>) api.get("spec");
        assertThat(spec).containsEntry("replicas", 3L);
        assertThat((Map<String, Object>) spec.get("template")).doesNotContainKey("spec");
        assertThat(((Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("metadata")).get("labels"))
                .isEqualTo(Map.of("app", "api"));
        assertThat(String.valueOf(api.get("metadata"))).doesNotContain("last-applied-configuration");
    }

    @Test
    @SuppressWarnings("unchecked")
    void knowsNamespacesAndTheirLabels() {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("payments")
                .addToLabels("env", "production").endMetadata().build()).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.namespace("payments").isPresent());
        assertThat(((Map<String, Object>) view.namespace("payments").get().get("metadata")).get("labels"))
                .isEqualTo(Map.of("env", "production"));
    }

    @Test
    void theWebhookSeesThePdbOnceItIsInTheCluster() {
        List<String> before = warnings("statefulset-create");
        assertThat(before).anySatisfy(w -> assertThat(w).startsWith("[require-pdb-on-create] StatefulSet redis (3 replicas) has no PDB; create it first in the file or updates are denied: kubectl create pdb redis --selector=app=redis"));

        client.policy().v1().podDisruptionBudget().inNamespace("fixtures").resource(pdb("fixtures", "redis", "redis", 1)).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.podDisruptionBudgets("fixtures").size() == 1);

        assertThat(warnings("statefulset-create")).noneSatisfy(w -> assertThat(w).contains("require-pdb"));
    }

    /**
     * One policy set over the informers and over a static view of the same objects gives the same
     * verdicts: both trim what policies see the same way (a rule reading a cached workload's pod
     * spec sees it in neither).
     */
    @Test
    @SuppressWarnings("unchecked")
    void theInformersAndAStaticViewOfTheSameObjectsGiveTheSameVerdicts() throws Exception {
        var deployment = new DeploymentBuilder()
                .withNewMetadata().withName("api").withNamespace("views").addToLabels("app", "api").endMetadata()
                .withNewSpec().withReplicas(3).withNewSelector().addToMatchLabels("app", "api").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "api").endMetadata()
                .withNewSpec().addNewContainer().withName("api").withImage("api:1").endContainer().endSpec()
                .endTemplate().endSpec().build();
        var namespace = new NamespaceBuilder().withNewMetadata().withName("views").addToLabels("env", "prod").endMetadata().build();
        var budget = pdb("views", "api", "api", 1);
        client.namespaces().resource(namespace).create();
        client.apps().deployments().inNamespace("views").resource(deployment).create();
        client.policy().v1().podDisruptionBudget().inNamespace("views").resource(budget).create();
        await().atMost(Duration.ofSeconds(10)).until(() -> view.workloads("views").size() == 1
                && view.podDisruptionBudgets("views").size() == 1 && view.namespace("views").isPresent());

        var serialization = client.getKubernetesSerialization();
        List<Map<String, Object>> objects = java.util.stream.Stream.of(namespace, deployment, budget)
                .map(o -> (Map<String, Object>) dev.harbormaster.cel.CelJson.parse(serialization.asJson(o))).toList();
        ClusterView offline = new StaticClusterView(objects, null);
        String readsCluster = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: reads-cluster}
                spec:
                  validationActions: [Warn]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE], resources: [deployments]}
                  validations:
                  - expression: "cluster.workloads(object.metadata.namespace).all(w, !has(w.spec.template.spec) && has(w.spec.selector))"
                    message: a cached workload shows more or less than the disruption rules read
                  - expression: "namespaceObject.metadata.labels.env == 'prod'"
                    message: the namespace's labels are not seen
                """;
        List<dev.harbormaster.policy.PolicySource> sources = new java.util.ArrayList<>(dev.harbormaster.policy.PolicyLoader.readBundled());
        sources.add(new dev.harbormaster.policy.PolicySource("reads-cluster.yaml", readsCluster));
        var policies = new dev.harbormaster.policy.PolicyLoader(new dev.harbormaster.cel.CelEnvironment()).load(sources, "test");
        Map<String, Object> web = (Map<String, Object>) dev.harbormaster.cel.CelJson.parse(serialization.asJson(new DeploymentBuilder(deployment)
                .editMetadata().withName("web").endMetadata().build()));
        var input = dev.harbormaster.audit.ManifestInput.of("CREATE", web, null, "views", null, false);
        var engine = new dev.harbormaster.engine.Engine(dev.harbormaster.engine.Engine.Mode.ENFORCE);

        var fromInformers = engine.admit(input, policies, view);
        var fromFiles = engine.admit(input, policies, offline);

        assertThat(fromInformers.validation().results()).isEqualTo(fromFiles.validation().results());
        assertThat(fromInformers.mutation().results()).isEqualTo(fromFiles.mutation().results());
        assertThat(fromInformers.validation().results()).anySatisfy(r -> {
            assertThat(r.policy()).isEqualTo("reads-cluster");
            assertThat(r.outcome()).isEqualTo(dev.harbormaster.engine.PolicyResult.Outcome.PASS);
        });
    }

    @Test
    void readinessShowsTheCacheState() {
        RestAssured.given().baseUri("http://localhost:" + management.getPort()).get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'cluster' }.data.poddisruptionbudgets", org.hamcrest.Matchers.equalTo("synced"));
        assertThat(RestAssured.given().baseUri("http://localhost:" + management.getPort()).get("/q/metrics").asString())
                .contains("harbormaster_cluster_synced{resource=\"poddisruptionbudgets\"} 1.0");
    }

    private List<String> warnings(String fixture) {
        JsonPath json = Fixtures.client(server).body(Fixtures.review(fixture)).post("validate").then().statusCode(200).extract().jsonPath();
        List<String> warnings = json.getList("response.warnings", String.class);
        return warnings == null ? List.of() : warnings;
    }
}
