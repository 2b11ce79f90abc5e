package dev.harbormaster.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.harbormaster.admission.Fixtures;
import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.ClusterPolicies;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import dev.harbormaster.policy.PolicyStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Policies and exceptions managed as resources, against the Kubernetes mock server in CRUD mode
 * with the chart's CRDs: applied, they enforce; broken, their status says why and the version
 * before stays; deleted, they stop; exceptions exempt, expire, and are refused when they cannot work.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true)
class PolicyResourcesTest {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Duration WAIT = Duration.ofSeconds(20);
    /** Only objects with this label are judged by the test's policies, so other tests sharing the server are not. */
    private static final String LABEL = "policy-resources-test";

    @Inject
    KubernetesClient client;
    @Inject
    PolicyStore store;
    @Inject
    Engine engine;
    @Inject
    ClusterView cluster;
    @Inject
    ClusterPolicies resources;

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    @BeforeEach
    void crds() throws Exception {
        for (String plural : List.of("validatingpolicies", "mutatingpolicies", "policyexceptions")) {
            CustomResourceDefinition crd = client.getKubernetesSerialization().unmarshal(
                    java.nio.file.Files.readString(Path.of("charts/harbormaster/crds/harbormaster.dev_" + plural + ".yaml")),
                    CustomResourceDefinition.class);
            client.apiextensions().v1().customResourceDefinitions().resource(crd).createOr(existing -> existing.update());
        }
        assertThat(resources).isInstanceOf(PolicyResourceInformers.class);
    }

    @AfterEach
    void removeWhatTheTestMade() {
        client.genericKubernetesResources(PolicyResourceInformers.EXCEPTIONS).inAnyNamespace().delete();
        client.genericKubernetesResources(PolicyResourceInformers.VALIDATING).delete();
        await().atMost(WAIT).until(() -> store.current().exceptions().isEmpty() && store.current().policy("needs-team").isEmpty()
                && store.current().policy("needs-owner").isEmpty());
    }

    private static String policy(String name, String expression) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata:
                  name: %s
                spec:
                  validationActions: [Deny]
                  matchConstraints:
                    objectSelector: {matchLabels: {%s: "yes"}}
                    resourceRules:
                    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
                  validations:
                  - name: team-label
                    expression: %s
                    message: needs a team label
                """.formatted(name, LABEL, expression);
    }

    private static String exception(String namespace, String name, String extra) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: PolicyException
                metadata:
                  name: %s
                  namespace: %s
                spec:
                  %s
                  match:
                    kinds: [Deployment]
                    names: ["legacy-*"]
                  policies:
                  - name: needs-team
                """.formatted(name, namespace, extra);
    }

    private GenericKubernetesResource apply(String yaml) throws Exception {
        GenericKubernetesResource resource = YAML.readValue(yaml, GenericKubernetesResource.class);
        var api = client.genericKubernetesResources(PolicyResourceInformers.contextOf(resource));
        var scoped = resource.getMetadata().getNamespace() == null ? api.resource(resource)
                : api.inNamespace(resource.getMetadata().getNamespace()).resource(resource);
        return scoped.createOr(existing -> existing.update());
    }

    private GenericKubernetesResource get(GenericKubernetesResource resource) {
        var api = client.genericKubernetesResources(PolicyResourceInformers.contextOf(resource));
        return resource.getMetadata().getNamespace() == null ? api.withName(resource.getMetadata().getName()).get()
                : api.inNamespace(resource.getMetadata().getNamespace()).withName(resource.getMetadata().getName()).get();
    }

    /** The Ready condition as written: status, reason, message, and observedGeneration beside it. */
    @SuppressWarnings("unchecked")
    private Optional<Map<String, Object>> ready(GenericKubernetesResource resource) {
        GenericKubernetesResource now = get(resource);
        if (now == null || !(now.getAdditionalProperties().get("status") instanceof Map<?, ?> status)) {
            return Optional.empty();
        }
        Map<String, Object> ready = new LinkedHashMap<>(((List<Map<String, Object>>) status.get("conditions")).get(0));
        ready.put("statusObservedGeneration", status.get("observedGeneration"));
        ready.put("generation", now.getMetadata().getGeneration());
        return Optional.of(ready);
    }

    private Verdict deployment(String namespace, String name, Map<String, String> labels) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("apiVersion", "apps/v1");
        object.put("kind", "Deployment");
        Map<String, Object> allLabels = new LinkedHashMap<>(labels);
        allLabels.put(LABEL, "yes");
        object.put("metadata", Map.of("name", name, "namespace", namespace, "labels", allLabels));
        object.put("spec", Map.of("replicas", 1L));
        return engine.evaluate(ManifestInput.of("CREATE", object, null, namespace, null, false), store.current(), cluster);
    }

    private static List<PolicyResult> of(Verdict verdict, String policy) {
        return verdict.results().stream().filter(r -> r.policy().equals(policy)).toList();
    }

    @Test
    void anAppliedPolicyEnforcesABrokenOneSaysWhyAndKeepsTheVersionBeforeADeletedOneStops() throws Exception {
        GenericKubernetesResource applied = apply(policy("needs-team", "\"'team' in object.metadata.labels\""));

        await().atMost(WAIT).until(() -> store.current().policy("needs-team").isPresent());
        Verdict denied = deployment("shop", "web", Map.of());
        assertThat(denied.allowed()).isFalse();
        assertThat(denied.denial().message()).contains("[needs-team] needs a team label");
        assertThat(of(deployment("shop", "web", Map.of("team", "a")), "needs-team")).extracting(PolicyResult::outcome)
                .containsExactly(PolicyResult.Outcome.PASS);
        await().atMost(WAIT).until(() -> ready(applied).filter(r -> "True".equals(r.get("status"))).isPresent());
        Map<String, Object> ready = ready(applied).orElseThrow();
        assertThat(ready).containsEntry("reason", "InForce");
        assertThat(String.valueOf(ready.get("statusObservedGeneration"))).isEqualTo(String.valueOf(ready.get("generation")));

        String broken = policy("needs-team", "\"'team' in object.metadata.labels &&\"");
        apply(broken);
        await().atMost(WAIT).until(() -> ready(applied).filter(r -> "False".equals(r.get("status"))).isPresent());
        String message = (String) ready(applied).orElseThrow().get("message");
        // The words harbormaster test prints for the same document as a file.
        PolicyLoadException asFile = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("needs-team.yaml", broken)), "cli"));
        assertThat(message).startsWith("spec.validations[0].expression: ").contains("<input>:1:36: mismatched input")
                .endsWith(" (the version loaded before stays in force)");
        assertThat(asFile.getMessage()).contains(message.replace(" (the version loaded before stays in force)", ""));
        assertThat(ready(applied).orElseThrow()).containsEntry("reason", "Invalid");
        // The version before still enforces.
        assertThat(deployment("shop", "web", Map.of()).allowed()).isFalse();

        client.genericKubernetesResources(PolicyResourceInformers.VALIDATING).withName("needs-team").delete();
        await().atMost(WAIT).until(() -> store.current().policy("needs-team").isEmpty());
        assertThat(of(deployment("shop", "web", Map.of()), "needs-team")).isEmpty();
    }

    @Test
    void aNameAFileAlreadyUsesIsAnErrorOnTheResourceAndTheFileStaysInForce() throws Exception {
        String fileSource = store.current().policy("require-probes").orElseThrow().source();
        GenericKubernetesResource clash = apply(policy("require-probes", "\"true\"").replace("name: require-probes", "name: require-probes"));

        await().atMost(WAIT).until(() -> ready(clash).filter(r -> "False".equals(r.get("status"))).isPresent());
        assertThat(ready(clash).orElseThrow().get("message"))
                .isEqualTo("metadata.name: a policy of this name is already defined in " + fileSource);
        assertThat(store.current().policy("require-probes").orElseThrow().source()).isEqualTo(fileSource);
        client.genericKubernetesResources(PolicyResourceInformers.VALIDATING).withName("require-probes").delete();
    }

    @Test
    void exceptionsExemptWithTheirReasonUntilTheyExpire() throws Exception {
        apply(policy("needs-team", "\"'team' in object.metadata.labels\""));
        await().atMost(WAIT).until(() -> store.current().policy("needs-team").isPresent());
        apply(exception("team-a", "legacy-batch", "reason: migrating to v2\n  expiresAt: \"2099-03-01T00:00:00Z\""));
        apply(exception("team-b", "forever", "reason: vendor chart"));
        GenericKubernetesResource expired = apply(exception("team-c", "was-legacy", "reason: migrated\n  expiresAt: \"2020-01-01T00:00:00Z\""));
        await().atMost(WAIT).until(() -> store.current().exceptions().size() == 3);

        Verdict exempted = deployment("team-a", "legacy-batch", Map.of());
        assertThat(exempted.allowed()).isTrue();
        assertThat(exempted.warnings()).contains("[needs-team] exempted by team-a/legacy-batch until 2099-03-01: migrating to v2");
        assertThat(of(exempted, "needs-team")).extracting(PolicyResult::outcome).containsExactly(PolicyResult.Outcome.EXEMPTED);
        // Only its own namespace, only the names it selects.
        assertThat(deployment("team-b", "legacy-batch", Map.of()).warnings()).contains("[needs-team] exempted by team-b/forever: vendor chart");
        assertThat(deployment("team-a", "web", Map.of()).allowed()).isFalse();
        assertThat(deployment("shop", "legacy-batch", Map.of()).allowed()).isFalse();

        Verdict afterExpiry = deployment("team-c", "legacy-batch", Map.of());
        assertThat(afterExpiry.allowed()).isFalse();
        assertThat(afterExpiry.warnings()).contains("[needs-team] exception team-c/was-legacy expired on 2020-01-01: the policy applies again");
        await().atMost(WAIT).until(() -> ready(expired).filter(r -> "Expired".equals(r.get("reason"))).isPresent());
        assertThat(ready(expired).orElseThrow()).containsEntry("status", "False")
                .containsEntry("message", "exception team-c/was-legacy expired on 2020-01-01: it no longer applies");
    }

    @Test
    void anExceptionForAPolicyThatIsNotInForceIsAnErrorOnIt() throws Exception {
        GenericKubernetesResource orphan = apply(exception("team-a", "orphan", "reason: nothing to exempt from"));

        await().atMost(WAIT).until(() -> ready(orphan).filter(r -> "False".equals(r.get("status"))).isPresent());
        assertThat(ready(orphan).orElseThrow().get("message")).isEqualTo("spec.policies[0].name: no policy 'needs-team' is in force");
        assertThat(store.current().exceptions()).isEmpty();
    }

    // --- validated on apply, through the /validate door ------------------------------------------------

    private JsonPath review(String yaml, String resource) throws Exception {
        Map<String, Object> object = YAML.readValue(yaml, Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) object.get("metadata");
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("uid", "self-check");
        request.put("kind", Map.of("group", "harbormaster.dev", "version", "v1alpha1", "kind", object.get("kind")));
        request.put("resource", Map.of("group", "harbormaster.dev", "version", "v1alpha1", "resource", resource));
        request.put("operation", "CREATE");
        request.put("name", metadata.get("name"));
        if (metadata.get("namespace") != null) {
            request.put("namespace", metadata.get("namespace"));
        }
        request.put("userInfo", Map.of("username", "alice"));
        request.put("object", object);
        byte[] body = new ObjectMapper().writeValueAsBytes(Map.of("apiVersion", "admission.k8s.io/v1", "kind", "AdmissionReview",
                "request", request));
        return Fixtures.client(server).contentType("application/json").body(body).post("validate").then().statusCode(200)
                .extract().jsonPath();
    }

    @Test
    void applyingAPolicyWithACelErrorIsRefusedInTheWordsOfHarbormasterTest() throws Exception {
        String broken = policy("needs-owner", "\"object.metadata.labels.exists(\"");
        JsonPath answer = review(broken, "validatingpolicies");

        assertThat(answer.getBoolean("response.allowed")).isFalse();
        String message = answer.getString("response.status.message");
        PolicyLoadException asFile = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> new PolicyLoader(new CelEnvironment()).load(List.of(new PolicySource("needs-owner.yaml", broken)), "cli"));
        String cliLine = asFile.errors().get(0).fieldAndMessage();
        assertThat(message).isEqualTo("[harbormaster.dev] ValidatingPolicy/needs-owner: " + cliLine);
        assertThat(cliLine).startsWith("spec.validations[0].expression: ");
        assertThat(asFile.getMessage()).contains(cliLine);

        assertThat(review(policy("needs-owner", "\"'owner' in object.metadata.labels\""), "validatingpolicies")
                .getBoolean("response.allowed")).isTrue();
        // A name a file uses is refused before it gets in.
        assertThat(review(policy("require-probes", "\"true\""), "validatingpolicies").getString("response.status.message"))
                .contains("metadata.name: a policy of this name is already defined in policies/require-probes.yaml");
    }

    @Test
    void applyingAnExceptionThatCannotWorkIsRefused() throws Exception {
        apply(policy("needs-team", "\"'team' in object.metadata.labels\""));
        await().atMost(WAIT).until(() -> store.current().policy("needs-team").isPresent());

        assertThat(review(exception("team-a", "fine", "reason: migrating to v2\n  expiresAt: \"2099-03-01T00:00:00Z\""), "policyexceptions")
                .getBoolean("response.allowed")).isTrue();
        assertThat(review(exception("team-a", "no-policy", "reason: r").replace("- name: needs-team", "- name: needs-nothing"),
                "policyexceptions").getString("response.status.message"))
                .isEqualTo("[harbormaster.dev] PolicyException/team-a/no-policy: spec.policies[0].name: no policy 'needs-nothing' is in force");
        assertThat(review(exception("team-a", "no-reason", "reason: \" \""), "policyexceptions").getString("response.status.message"))
                .endsWith("spec.reason: missing: say why the objects are exempted (it is shown with every exempted result)");
        assertThat(review(exception("team-a", "past", "reason: r\n  expiresAt: \"2020-01-01T00:00:00Z\""), "policyexceptions")
                .getString("response.status.message"))
                .endsWith("spec.expiresAt: '2020-01-01T00:00:00Z' is in the past: an exception that has expired exempts nothing");
        assertThat(review(exception("team-a", "bad-date", "reason: r\n  expiresAt: \"next march\""), "policyexceptions")
                .getBoolean("response.allowed")).isFalse();
    }

    @Test
    void theLeaderWritesAChangedStatusOnceAndNotAgain() throws Exception {
        GenericKubernetesResource applied = apply(policy("needs-team", "\"'team' in object.metadata.labels\""));
        await().atMost(WAIT).until(() -> ready(applied).isPresent());
        apply(policy("needs-team", "\"'team' in object.metadata.labels &&\""));
        await().atMost(WAIT).until(() -> store.resourceState("ValidatingPolicy/needs-team",
                PolicyResourceInformers.content(get(applied))).isPresent());
        // The leader writes it, once: a second pass finds nothing changed.
        PolicyStatusWriter leader = new PolicyStatusWriter(resources, store, Leadership.sole(),
                io.quarkus.arc.Arc.container().select(KubernetesClient.class));
        await().atMost(WAIT).until(() -> leader.writeChanged((PolicyResourceInformers) resources) == 0
                && "False".equals(ready(applied).orElseThrow().get("status")));
        assertThat(leader.writeChanged((PolicyResourceInformers) resources)).isZero();
    }
}
