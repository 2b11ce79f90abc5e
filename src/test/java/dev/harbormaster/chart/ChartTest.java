package dev.harbormaster.chart;

import static dev.harbormaster.chart.RenderedChart.FULLNAME;
import static dev.harbormaster.chart.RenderedChart.NAMESPACE;
import static dev.harbormaster.chart.RenderedChart.render;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.marcnuri.helm.LintResult;
import dev.cel.common.types.SimpleType;
import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.Budget;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelExpression;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cel.CelResult;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Helm chart, rendered and linted by real Helm (helm-java), asserted on as the objects it
 * would apply; and the chart's own workload judged by the default pack through the real engine.
 */
class ChartTest {

    static final String CA_BUNDLE = Base64.getEncoder().encodeToString(
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n".getBytes(StandardCharsets.UTF_8));

    /** The values that select a certificate mode, each complete. */
    static Map<String, String> certificates(String mode) {
        return switch (mode) {
            case "secret" -> Map.of("certificates.mode", mode, "certificates.secretName", "my-tls", "certificates.caBundle", CA_BUNDLE);
            default -> Map.of("certificates.mode", mode);
        };
    }

    static Map<String, String> with(Map<String, String> values, String key, String value) {
        Map<String, String> all = new LinkedHashMap<>(values);
        all.put(key, value);
        return all;
    }

    static Stream<Arguments> certificateAndServerModes() {
        return Stream.of("generate", "certManager", "secret")
                .flatMap(certificates -> Stream.of("audit", "enforce").map(mode -> Arguments.of(certificates, mode)));
    }

    // --- lint -------------------------------------------------------------------------------------

    @Test
    void lintIsCleanWithTheDefaults(@TempDir Path work) throws Exception {
        LintResult lint = RenderedChart.lint(Map.of(), work);

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).allMatch(m -> m.startsWith("[INFO]"));
    }

    @ParameterizedTest(name = "certificates.mode={0}, mode={1}")
    @MethodSource("certificateAndServerModes")
    void lintIsCleanInEveryMode(String certificates, String mode, @TempDir Path work) throws Exception {
        Map<String, String> values = with(certificates(certificates), "mode", mode);
        if (mode.equals("enforce")) {
            // Every optional part once: background audit with its CRDs, ServiceMonitor, a user ConfigMap, dashboard, alerts.
            values = with(with(with(values, "audit.enabled", "true"), "serviceMonitor.enabled", "true"),
                    "policies.existingConfigMap", "team-policies");
            values = with(with(values, "grafanaDashboard.enabled", "true"), "prometheusRule.enabled", "true");
        }
        LintResult lint = RenderedChart.lint(values, work);

        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
        assertThat(lint.getMessages()).allMatch(m -> m.startsWith("[INFO]"));
    }

    // --- what is rendered -------------------------------------------------------------------------

    @Test
    void theDefaultsRenderTheServerAndNothingOptional() {
        RenderedChart chart = render(Map.of());

        assertThat(chart.kinds()).containsExactlyInAnyOrder(
                "ServiceAccount/" + FULLNAME,
                "ClusterRole/" + FULLNAME,
                "ClusterRole/" + FULLNAME + "-exception-author",
                "ClusterRoleBinding/" + FULLNAME,
                "Role/" + FULLNAME + "-leader-election",
                "RoleBinding/" + FULLNAME + "-leader-election",
                "ConfigMap/" + FULLNAME + "-policies",
                "Secret/" + FULLNAME + "-tls",
                "Service/" + FULLNAME,
                "Deployment/" + FULLNAME,
                "PodDisruptionBudget/" + FULLNAME,
                "ValidatingWebhookConfiguration/" + FULLNAME,
                "MutatingWebhookConfiguration/" + FULLNAME);
        assertThat(chart.env("HARBORMASTER_MODE")).isEqualTo("audit");
        assertThat(chart.one("ValidatingWebhookConfiguration").at("/webhooks/0/failurePolicy").asText()).isEqualTo("Ignore");
        for (JsonNode object : chart.objects()) {
            String kind = object.path("kind").asText();
            if (!kind.startsWith("Cluster") && !kind.endsWith("WebhookConfiguration")) {
                assertThat(object.at("/metadata/namespace").asText()).as(kind).isEqualTo(NAMESPACE);
            }
        }
    }

    @ParameterizedTest(name = "certificates.mode={0}, mode={1}")
    @MethodSource("certificateAndServerModes")
    void webhookConfigurationsAreSafeInEveryMode(String certificates, String mode) {
        RenderedChart chart = render(with(certificates(certificates), "mode", mode));

        assertThat(chart.env("HARBORMASTER_MODE")).isEqualTo(mode);
        JsonNode validating = webhook(chart, "ValidatingWebhookConfiguration", "validate.harbormaster.dev", "/validate");
        JsonNode mutating = webhook(chart, "MutatingWebhookConfiguration", "mutate.harbormaster.dev", "/mutate");
        assertThat(validating.has("reinvocationPolicy")).isFalse();
        assertThat(mutating.path("reinvocationPolicy").asText()).isEqualTo("IfNeeded");

        for (JsonNode configuration : List.of(chart.one("ValidatingWebhookConfiguration"), chart.one("MutatingWebhookConfiguration"))) {
            JsonNode webhook = configuration.at("/webhooks/0");
            String injectFrom = configuration.at("/metadata/annotations").path("cert-manager.io/inject-ca-from").asText(null);
            switch (certificates) {
                case "generate" -> {
                    JsonNode secret = chart.named("Secret", FULLNAME + "-tls");
                    assertThat(webhook.at("/clientConfig/caBundle").asText()).isNotEmpty().isEqualTo(secret.at("/data/ca.crt").asText());
                    assertThat(injectFrom).isNull();
                }
                case "secret" -> {
                    assertThat(webhook.at("/clientConfig/caBundle").asText()).isEqualTo(CA_BUNDLE);
                    assertThat(injectFrom).isNull();
                }
                case "certManager" -> {
                    assertThat(webhook.at("/clientConfig").has("caBundle")).isFalse();
                    assertThat(injectFrom).isEqualTo(NAMESPACE + "/" + FULLNAME);
                }
                default -> throw new AssertionError(certificates);
            }
        }
    }

    /** The one webhook of that configuration, with every setting that keeps the cluster safe checked. */
    static JsonNode webhook(RenderedChart chart, String kind, String name, String path) {
        JsonNode configuration = chart.one(kind);
        assertThat(configuration.at("/metadata/name").asText()).isEqualTo(FULLNAME);
        // The validating configuration has a second webhook, for Harbormaster's own resources (ChartCrdTest).
        assertThat(configuration.path("webhooks")).hasSize(kind.startsWith("Validating") ? 2 : 1);
        JsonNode webhook = configuration.at("/webhooks/0");
        assertThat(webhook.path("name").asText()).isEqualTo(name);
        JsonNode service = webhook.at("/clientConfig/service");
        assertThat(service.path("name").asText()).isEqualTo(FULLNAME);
        assertThat(service.path("namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(service.path("path").asText()).isEqualTo(path);
        assertThat(service.path("port").asInt()).isEqualTo(443);
        assertThat(texts(webhook.path("admissionReviewVersions"))).containsExactly("v1");
        assertThat(webhook.path("sideEffects").asText()).isEqualTo("None");
        assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(5);
        assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Ignore");
        assertThat(excludedNamespaces(webhook)).containsExactlyInAnyOrder(NAMESPACE, "kube-system");
        assertThat(webhook.path("matchConditions")).isNotEmpty();
        for (JsonNode rule : webhook.path("rules")) {
            assertThat(rule.toString()).doesNotContain("\"*\"");
        }
        return webhook;
    }

    static List<String> excludedNamespaces(JsonNode webhook) {
        JsonNode expressions = webhook.at("/namespaceSelector/matchExpressions");
        assertThat(expressions).hasSize(1);
        assertThat(webhook.at("/namespaceSelector").has("matchLabels")).isFalse();
        assertThat(expressions.at("/0/key").asText()).isEqualTo("kubernetes.io/metadata.name");
        assertThat(expressions.at("/0/operator").asText()).isEqualTo("NotIn");
        return texts(expressions.at("/0/values"));
    }

    @Test
    void webhookRulesSendOnlyTheKindsTheDefaultPackJudges() {
        RenderedChart chart = render(Map.of());

        assertThat(rules(chart.one("ValidatingWebhookConfiguration"))).containsExactlyInAnyOrder(
                "/v1/pods CREATE,UPDATE",
                "/v1/pods/ephemeralcontainers UPDATE",
                "apps/v1/deployments,replicasets,statefulsets,daemonsets CREATE,UPDATE",
                "batch/v1/jobs,cronjobs CREATE,UPDATE",
                "policy/v1/poddisruptionbudgets CREATE,UPDATE",
                "autoscaling/v2/horizontalpodautoscalers CREATE,UPDATE");
        assertThat(rules(chart.one("MutatingWebhookConfiguration"))).containsExactlyInAnyOrder(
                "/v1/pods CREATE",
                "apps/v1/deployments,replicasets,statefulsets,daemonsets CREATE,UPDATE",
                "batch/v1/jobs,cronjobs CREATE,UPDATE");
    }

    static List<String> rules(JsonNode configuration) {
        List<String> rules = new ArrayList<>();
        for (JsonNode rule : configuration.at("/webhooks/0/rules")) {
            rules.add(String.join(",", texts(rule.path("apiGroups"))) + "/" + String.join(",", texts(rule.path("apiVersions")))
                    + "/" + String.join(",", texts(rule.path("resources"))) + " " + String.join(",", texts(rule.path("operations"))));
        }
        return rules;
    }

    @Test
    void webhookValuesReachBothConfigurations(@TempDir Path work) throws Exception {
        Path values = work.resolve("values.yaml");
        Files.writeString(values, """
                webhook:
                  failurePolicy: Fail
                  timeoutSeconds: 10
                  excludeNamespaces: [monitoring, kube-system]
                  rules:
                    validating:
                    - {apiGroups: [networking.k8s.io], apiVersions: [v1], operations: [CREATE], resources: [ingresses]}
                    mutating: []
                """);
        RenderedChart chart = RenderedChart.render(Map.of(), values);

        for (String kind : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
            JsonNode webhook = chart.one(kind).at("/webhooks/0");
            assertThat(webhook.path("failurePolicy").asText()).isEqualTo("Fail");
            assertThat(webhook.path("timeoutSeconds").asInt()).isEqualTo(10);
            assertThat(excludedNamespaces(webhook)).containsExactly(NAMESPACE, "kube-system", "monitoring");
        }
        assertThat(rules(chart.one("ValidatingWebhookConfiguration"))).containsExactly("networking.k8s.io/v1/ingresses CREATE");
        assertThat(rules(chart.one("MutatingWebhookConfiguration"))).isEmpty();
    }

    @Test
    void theServersOwnRequestsSkipTheWebhook() throws Exception {
        RenderedChart chart = render(Map.of());
        String serviceAccount = "system:serviceaccount:" + NAMESPACE + ":" + chart.one("ServiceAccount").at("/metadata/name").asText();
        assertThat(chart.one("Deployment").at("/spec/template/spec/serviceAccountName").asText()).isEqualTo(FULLNAME);

        for (String kind : List.of("ValidatingWebhookConfiguration", "MutatingWebhookConfiguration")) {
            JsonNode conditions = chart.one(kind).at("/webhooks/0/matchConditions");
            assertThat(conditions).hasSize(1);
            // Compiled and run by cel-java: the language kube-apiserver evaluates matchConditions in.
            CelExpression condition = new CelEnvironment().compile(conditions.at("/0/expression").asText(), SimpleType.BOOL);
            assertThat(condition.eval(name -> name.equals("request")
                    ? Optional.of(Map.of("userInfo", Map.of("username", serviceAccount))) : Optional.empty(),
                    Budget.start(EvaluationLimits.DEFAULT))).isEqualTo(new CelResult.Value(false));
            assertThat(condition.eval(name -> name.equals("request")
                    ? Optional.of(Map.of("userInfo", Map.of("username", "kubernetes-admin"))) : Optional.empty(),
                    Budget.start(EvaluationLimits.DEFAULT))).isEqualTo(new CelResult.Value(true));
        }
    }

    // --- certificates -----------------------------------------------------------------------------

    @Test
    void generatedCertificateServesTheServiceNamesAndIsSignedByTheBundle() throws Exception {
        RenderedChart chart = render(Map.of());
        JsonNode secret = chart.named("Secret", FULLNAME + "-tls");
        assertThat(secret.path("type").asText()).isEqualTo("kubernetes.io/tls");

        X509Certificate ca = certificate(secret.at("/data/ca.crt").asText());
        X509Certificate serving = certificate(secret.at("/data/tls.crt").asText());
        serving.verify(ca.getPublicKey());
        assertThat(ca.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        List<String> dnsNames = serving.getSubjectAlternativeNames().stream()
                .filter(san -> (Integer) san.get(0) == 2).map(san -> (String) san.get(1)).toList();
        assertThat(dnsNames).containsExactlyInAnyOrder(FULLNAME, FULLNAME + "." + NAMESPACE, FULLNAME + "." + NAMESPACE + ".svc",
                FULLNAME + "." + NAMESPACE + ".svc.cluster.local");
        assertThat(new String(Base64.getDecoder().decode(secret.at("/data/tls.key").asText()), StandardCharsets.US_ASCII))
                .startsWith("-----BEGIN RSA PRIVATE KEY-----");
        // 3650 days, give or take the hour the test runs in.
        assertThat(serving.getNotAfter().getTime() - serving.getNotBefore().getTime()).isGreaterThan(3649L * 24 * 3600 * 1000);
        assertThat(tlsVolumeSecret(chart)).isEqualTo(FULLNAME + "-tls");
    }

    static X509Certificate certificate(String base64Pem) throws Exception {
        return (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(base64Pem)));
    }

    static String tlsVolumeSecret(RenderedChart chart) {
        JsonNode spec = chart.one("Deployment").at("/spec/template/spec");
        for (JsonNode volume : spec.path("volumes")) {
            if (volume.path("name").asText().equals("tls")) {
                return volume.at("/secret/secretName").asText();
            }
        }
        throw new AssertionError("no tls volume");
    }

    @Test
    void certManagerIssuesFromItsOwnCaAndInjectsIt() {
        RenderedChart chart = render(certificates("certManager"));

        assertThat(chart.all("Secret")).isEmpty();
        assertThat(chart.named("Issuer", FULLNAME + "-selfsigned").at("/spec/selfSigned").isObject()).isTrue();
        JsonNode ca = chart.named("Certificate", FULLNAME + "-ca");
        assertThat(ca.at("/spec/isCA").asBoolean()).isTrue();
        assertThat(ca.at("/spec/issuerRef/name").asText()).isEqualTo(FULLNAME + "-selfsigned");
        assertThat(chart.named("Issuer", FULLNAME + "-ca").at("/spec/ca/secretName").asText()).isEqualTo(ca.at("/spec/secretName").asText());
        JsonNode serving = chart.named("Certificate", FULLNAME);
        assertThat(serving.at("/spec/issuerRef/name").asText()).isEqualTo(FULLNAME + "-ca");
        assertThat(texts(serving.at("/spec/dnsNames"))).containsExactlyInAnyOrder(FULLNAME, FULLNAME + "." + NAMESPACE,
                FULLNAME + "." + NAMESPACE + ".svc", FULLNAME + "." + NAMESPACE + ".svc.cluster.local");
        assertThat(tlsVolumeSecret(chart)).isEqualTo(serving.at("/spec/secretName").asText());
    }

    @Test
    void aSuppliedSecretIsMountedAndItsCaTrusted() {
        RenderedChart chart = render(certificates("secret"));

        assertThat(chart.all("Secret")).isEmpty();
        assertThat(chart.all("Certificate")).isEmpty();
        assertThat(tlsVolumeSecret(chart)).isEqualTo("my-tls");
    }

    @Test
    void aSuppliedSecretNeedsItsNameAndCa() {
        assertThatThrownBy(() -> render(Map.of("certificates.mode", "secret", "certificates.caBundle", CA_BUNDLE)))
                .hasMessageContaining("certificates.secretName is required");
        assertThatThrownBy(() -> render(Map.of("certificates.mode", "secret", "certificates.secretName", "my-tls")))
                .hasMessageContaining("certificates.caBundle");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"mode=block", "certificates.mode=selfSigned", "webhook.failurePolicy=Deny",
            "webhook.timeoutSeconds=31", "image.tag=latest", "podDisruptionBudget.maxUnavailable=0", "webhook.failurepolicy=Fail"})
    void theSchemaRefusesValuesThatCannotWork(String assignment) {
        String[] keyValue = assignment.split("=", 2);

        assertThatThrownBy(() -> render(Map.of(keyValue[0], keyValue[1]))).hasMessageContaining("schema");
    }

    // --- RBAC -------------------------------------------------------------------------------------

    static final List<String> READ_RULES = List.of(
            "/namespaces get,list,watch",
            "policy/poddisruptionbudgets get,list,watch",
            "autoscaling/horizontalpodautoscalers get,list,watch",
            "apps/deployments,statefulsets get,list,watch",
            "harbormaster.dev/validatingpolicies,mutatingpolicies,policyexceptions get,list,watch",
            "harbormaster.dev/validatingpolicies/status,mutatingpolicies/status,policyexceptions/status update");

    @Test
    void rbacOnlyReadsWhatThePoliciesLookUp() {
        RenderedChart chart = render(Map.of());

        assertThat(clusterRoleRules(chart)).containsExactlyInAnyOrderElementsOf(READ_RULES);
        // The policy CRDs are in crds/, which Helm installs before the templates and never renders (ChartCrdTest).
        assertThat(chart.all("CustomResourceDefinition")).isEmpty();
        JsonNode binding = chart.one("ClusterRoleBinding");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(FULLNAME);
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(FULLNAME);
        assertThat(binding.at("/subjects/0/namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(binding.path("subjects")).hasSize(1);
    }

    @Test
    void paramsResourcesAreReadSoThatABindingsParamRefIsResolvedInTheCluster(@org.junit.jupiter.api.io.TempDir Path work) throws Exception {
        Path values = work.resolve("values.yaml");
        Files.writeString(values, """
                policies:
                  paramsResources:
                  - {apiGroups: [""], resources: [configmaps]}
                  - {apiGroups: [example.com], resources: [limits]}
                """);
        List<String> expected = new ArrayList<>(READ_RULES);
        expected.addAll(List.of("/configmaps get,list,watch", "example.com/limits get,list,watch"));
        assertThat(clusterRoleRules(render(Map.of(), values))).containsExactlyInAnyOrderElementsOf(expected);
    }

    @Test
    void backgroundAuditAddsWorkloadReadsReportWritesAndTheReportCrds() {
        RenderedChart chart = render(Map.of("audit.enabled", "true"));

        List<String> expected = new ArrayList<>(READ_RULES);
        expected.addAll(List.of(
                "/pods get,list,watch",
                "apps/replicasets,daemonsets get,list,watch",
                "batch/jobs,cronjobs get,list,watch",
                "wgpolicyk8s.io/policyreports,clusterpolicyreports get,list,watch,create,update,delete"));
        assertThat(clusterRoleRules(chart)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(chart.env("HARBORMASTER_AUDIT_ENABLED")).isEqualTo("true");

        Map<String, String> scopes = new TreeMap<>();
        for (JsonNode crd : chart.all("CustomResourceDefinition")) {
            assertThat(crd.at("/spec/group").asText()).isEqualTo("wgpolicyk8s.io");
            assertThat(crd.at("/spec/versions/0/name").asText()).isEqualTo("v1alpha2");
            assertThat(crd.at("/spec/versions/0/schema/openAPIV3Schema/properties/results/items/required/0").asText()).isEqualTo("policy");
            assertThat(crd.at("/metadata/annotations").path("helm.sh/resource-policy").asText()).isEqualTo("keep");
            scopes.put(crd.at("/spec/names/kind").asText(), crd.at("/spec/scope").asText());
        }
        assertThat(scopes).isEqualTo(Map.of("ClusterPolicyReport", "Cluster", "PolicyReport", "Namespaced"));

        assertThat(render(Map.of("audit.enabled", "true", "audit.installCRDs", "false")).all("CustomResourceDefinition")).isEmpty();
    }

    /** The one namespaced grant: the leader-election Lease, by name but for create (which cannot be limited to a name). */
    @Test
    void theReplicasMayOnlyUseTheirOwnLeaseInTheReleaseNamespace() {
        RenderedChart chart = render(Map.of());

        JsonNode role = chart.one("Role");
        assertThat(role.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
        List<String> rules = new ArrayList<>();
        for (JsonNode rule : role.path("rules")) {
            rules.add(String.join(",", texts(rule.path("apiGroups"))) + "/" + String.join(",", texts(rule.path("resources")))
                    + " " + String.join(",", texts(rule.path("resourceNames"))) + " " + String.join(",", texts(rule.path("verbs"))));
        }
        assertThat(rules).containsExactlyInAnyOrder(
                "coordination.k8s.io/leases  create",
                "coordination.k8s.io/leases " + FULLNAME + " get,update,patch");
        JsonNode binding = chart.one("RoleBinding");
        assertThat(binding.at("/roleRef/kind").asText()).isEqualTo("Role");
        assertThat(binding.at("/roleRef/name").asText()).isEqualTo(role.at("/metadata/name").asText());
        assertThat(binding.at("/subjects/0/name").asText()).isEqualTo(FULLNAME);
        assertThat(chart.env("HARBORMASTER_LEADER_ELECTION_LEASE_NAME")).isEqualTo(FULLNAME);
        assertThat(chart.env("HARBORMASTER_LEADER_ELECTION_LEASE_NAMESPACE")).isEqualTo(NAMESPACE);
    }

    static List<String> clusterRoleRules(RenderedChart chart) {
        List<String> rules = new ArrayList<>();
        for (JsonNode rule : chart.named("ClusterRole", FULLNAME).path("rules")) {
            assertThat(rule.has("resourceNames")).isFalse();
            assertThat(rule.has("nonResourceURLs")).isFalse();
            rules.add(String.join(",", texts(rule.path("apiGroups"))) + "/" + String.join(",", texts(rule.path("resources")))
                    + " " + String.join(",", texts(rule.path("verbs"))));
        }
        return rules;
    }

    // --- policies ---------------------------------------------------------------------------------

    @Test
    void theChartsCopyOfTheDefaultPackIsTheRepositorysFileForFile() throws Exception {
        Map<String, String> repository = files(Path.of("policies"));
        Map<String, String> chart = files(RenderedChart.CHART.resolve("policies"));

        assertThat(repository).isNotEmpty();
        assertThat(RenderedChart.CHART.resolve("policies/pss")).as("the optional PSS pack is not the chart's").doesNotExist();
        assertThat(chart.keySet()).as("run: cp policies/* charts/harbormaster/policies/").isEqualTo(repository.keySet());
        assertThat(chart).as("run: cp policies/* charts/harbormaster/policies/").isEqualTo(repository);
    }

    /** The files of the folder itself: the default pack, without optional packs in folders below it (policies/pss/). */
    static Map<String, String> files(Path directory) throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(directory)) {
            for (Path file : list.filter(Files::isRegularFile).toList()) {
                files.put(file.getFileName().toString(), Files.readString(file));
            }
        }
        return files;
    }

    @Test
    void thePolicyConfigMapHoldsTheDefaultPackAsItIs() throws Exception {
        JsonNode data = render(Map.of()).named("ConfigMap", FULLNAME + "-policies").path("data");

        assertThat(configMapFiles(data)).isEqualTo(files(Path.of("policies")));
    }

    static Map<String, String> configMapFiles(JsonNode data) {
        Map<String, String> files = new TreeMap<>();
        data.fields().forEachRemaining(e -> files.put(e.getKey(), e.getValue().asText()));
        return files;
    }

    @Test
    void ownPoliciesLoadBesideTheDefaultPackWithoutARestart(@TempDir Path work) throws Exception {
        String teamLabel = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata:
                  name: require-team-label
                spec:
                  validationActions: [Warn]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}
                  validations:
                  - expression: "has(object.metadata.labels) && 'team' in object.metadata.labels"
                    message: every Deployment names its team in a label
                """;
        Path values = work.resolve("values.yaml");
        Files.writeString(values, "policies:\n  existingConfigMap: team-policies\n  extra:\n    team-label.yaml: |\n"
                + teamLabel.indent(6));
        RenderedChart chart = RenderedChart.render(Map.of(), values);

        Map<String, String> files = configMapFiles(chart.named("ConfigMap", FULLNAME + "-policies").path("data"));
        assertThat(files).containsEntry("team-label.yaml", teamLabel);
        assertThat(files.keySet()).containsAll(files(Path.of("policies")).keySet());
        // What the server loads from the mounted ConfigMap: the pack and the team's policy together.
        PolicySet loaded = new PolicyLoader(new CelEnvironment()).load(
                files.entrySet().stream().map(e -> new PolicySource(e.getKey(), e.getValue())).toList(), "chart");
        assertThat(loaded.validating().stream().map(p -> p.name())).contains("require-team-label", "require-probes");

        JsonNode pod = chart.one("Deployment").at("/spec/template");
        assertThat(pod.at("/metadata").has("annotations")).as("no checksum annotation: policies reload live").isFalse();
        assertThat(chart.env("HARBORMASTER_POLICIES_DIR")).isEqualTo("/etc/harbormaster/policies");
        Map<String, String> mounts = new TreeMap<>();
        chart.container().path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        assertThat(mounts).containsEntry("policies", "/etc/harbormaster/policies/chart")
                .containsEntry("custom-policies", "/etc/harbormaster/policies/custom");
        Map<String, String> configMaps = new TreeMap<>();
        pod.at("/spec/volumes").forEach(v -> {
            if (v.has("configMap")) {
                configMaps.put(v.path("name").asText(), v.at("/configMap/name").asText());
            }
        });
        assertThat(configMaps).isEqualTo(Map.of("policies", FULLNAME + "-policies", "custom-policies", "team-policies"));
    }

    @Test
    void withoutTheDefaultPackOnlyYourPoliciesAreLoaded() {
        RenderedChart chart = render(Map.of("policies.defaultPack", "false", "policies.extra.mine\\.yaml", "kind: PolicyTest"));

        assertThat(configMapFiles(chart.named("ConfigMap", FULLNAME + "-policies").path("data")))
                .isEqualTo(Map.of("mine.yaml", "kind: PolicyTest"));
    }

    @Test
    void anOwnPolicyFileCannotShadowADefaultOne() {
        assertThatThrownBy(() -> render(Map.of("policies.extra.require-pdb\\.yaml", "kind: PolicyTest")))
                .hasMessageContaining("policies.extra.require-pdb.yaml has the name of a default pack file");
        assertThatThrownBy(() -> render(Map.of("policies.extra.notes\\.txt", "x"))).hasMessageContaining("schema");
    }

    // --- the Deployment and its neighbours --------------------------------------------------------

    @Test
    void theDeploymentRunsTheServerAsTheServerExpects() {
        RenderedChart chart = render(Map.of());
        JsonNode pod = chart.one("Deployment").at("/spec/template/spec");
        JsonNode container = chart.container();

        assertThat(chart.one("Deployment").at("/spec/replicas").asInt()).isEqualTo(2);
        assertThat(container.path("image").asText()).isEqualTo("ghcr.io/harbormaster/harbormaster:0.1.0");
        assertThat(container.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(container.has("command")).isFalse();
        assertThat(container.has("args")).isFalse();
        Map<String, Integer> ports = new TreeMap<>();
        container.path("ports").forEach(p -> ports.put(p.path("name").asText(), p.path("containerPort").asInt()));
        assertThat(ports).isEqualTo(Map.of("https", 8443, "http-metrics", 9000));
        assertThat(chart.env("HARBORMASTER_TLS_DIR")).isEqualTo("/etc/harbormaster/tls");
        assertThat(chart.env("HARBORMASTER_CLUSTER_ENABLED")).isEqualTo("true");
        assertThat(chart.env("HARBORMASTER_AUDIT_ENABLED")).isEqualTo("false");

        assertThat(probe(container, "startupProbe")).isEqualTo("/q/health/started http-metrics");
        assertThat(probe(container, "livenessProbe")).isEqualTo("/q/health/live http-metrics");
        assertThat(probe(container, "readinessProbe")).isEqualTo("/q/health/ready http-metrics");
        JsonNode startup = container.path("startupProbe");
        assertThat(startup.path("periodSeconds").asInt() * startup.path("failureThreshold").asInt()).isEqualTo(60);
        assertThat(container.at("/lifecycle/preStop/sleep/seconds").asInt()).isEqualTo(5);
        assertThat(pod.path("terminationGracePeriodSeconds").asInt()).isEqualTo(40);

        assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
        assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(1001);
        assertThat(pod.at("/securityContext/seccompProfile/type").asText()).isEqualTo("RuntimeDefault");
        assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
        assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
        assertThat(texts(container.at("/securityContext/capabilities/drop"))).containsExactly("ALL");
        assertThat(container.at("/resources/requests").has("memory")).isTrue();
        assertThat(container.at("/resources/limits").has("memory")).isTrue();
        Map<String, String> mounts = new TreeMap<>();
        container.path("volumeMounts").forEach(m -> mounts.put(m.path("name").asText(), m.path("mountPath").asText()));
        assertThat(mounts).isEqualTo(Map.of("tls", "/etc/harbormaster/tls", "policies", "/etc/harbormaster/policies/chart", "tmp", "/tmp"));

        Map<String, Object> selector = labels(chart.one("Deployment").at("/spec/selector/matchLabels"));
        JsonNode spread = pod.at("/topologySpreadConstraints/0");
        assertThat(spread.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertThat(spread.path("whenUnsatisfiable").asText()).isEqualTo("ScheduleAnyway");
        assertThat(labels(spread.at("/labelSelector/matchLabels"))).isEqualTo(selector);
        JsonNode antiAffinity = pod.at("/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/0/podAffinityTerm");
        assertThat(antiAffinity.path("topologyKey").asText()).isEqualTo("kubernetes.io/hostname");
        assertThat(labels(antiAffinity.at("/labelSelector/matchLabels"))).isEqualTo(selector);
        assertThat(labels(chart.one("Deployment").at("/spec/template/metadata/labels"))).containsAllEntriesOf(selector);

        JsonNode pdb = chart.one("PodDisruptionBudget");
        assertThat(pdb.at("/spec/maxUnavailable").asInt()).isEqualTo(1);
        assertThat(labels(pdb.at("/spec/selector/matchLabels"))).isEqualTo(selector);
        JsonNode service = chart.one("Service");
        assertThat(labels(service.at("/spec/selector"))).isEqualTo(selector);
        List<String> servicePorts = new ArrayList<>();
        service.at("/spec/ports").forEach(p -> servicePorts.add(p.path("name").asText() + " " + p.path("port").asInt() + "->" + p.path("targetPort").asText()));
        assertThat(servicePorts).containsExactly("https 443->https", "http-metrics 9000->http-metrics");
    }

    static String probe(JsonNode container, String probe) {
        JsonNode get = container.path(probe).path("httpGet");
        return get.path("path").asText() + " " + get.path("port").asText();
    }

    static Map<String, Object> labels(JsonNode labels) {
        Map<String, Object> map = new TreeMap<>();
        labels.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    @Test
    void theServiceMonitorIsOptIn() {
        assertThat(render(Map.of()).all("ServiceMonitor")).isEmpty();

        RenderedChart chart = render(Map.of("serviceMonitor.enabled", "true", "serviceMonitor.labels.release", "prometheus"));
        JsonNode monitor = chart.one("ServiceMonitor");
        assertThat(monitor.path("apiVersion").asText()).isEqualTo("monitoring.coreos.com/v1");
        assertThat(monitor.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        assertThat(monitor.at("/spec/endpoints/0/port").asText()).isEqualTo("http-metrics");
        assertThat(monitor.at("/spec/endpoints/0/path").asText()).isEqualTo("/q/metrics");
        assertThat(labels(monitor.at("/spec/selector/matchLabels"))).isEqualTo(labels(chart.one("Service").at("/spec/selector")));
    }

    // --- the chart passes its own policies ---------------------------------------------------------

    @ParameterizedTest(name = "certificates.mode={0}")
    @ValueSource(strings = {"generate", "certManager", "secret"})
    void theChartsWorkloadPassesTheDefaultPack(String certificates) throws Exception {
        RenderedChart chart = render(certificates(certificates));
        @SuppressWarnings("unchecked")
        Map<String, Object> deployment = (Map<String, Object>) CelJson.fromJson(chart.one("Deployment"));
        @SuppressWarnings("unchecked")
        Map<String, Object> pdb = (Map<String, Object>) CelJson.fromJson(chart.one("PodDisruptionBudget"));
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readDirectory(Path.of("policies")), "pack");
        Engine engine = new Engine(Engine.Mode.ENFORCE);
        // Helm applies the PodDisruptionBudget before the Deployment, so the cluster holds both.
        ClusterView cluster = new StaticClusterView(List.of(pdb, deployment), RenderedChart.KUBERNETES);

        AdmissionInput create = ManifestInput.of("CREATE", deployment, null, NAMESPACE, null, false);
        Verdict mutated = engine.mutate(create, pack, cluster);
        assertThat(mutated.patch()).as("the chart needs no mutation").isNull();
        assertThat(mutated.mutatedObject()).isNull();
        assertPasses(engine.evaluate(create, pack, cluster), "disallow-latest-tag", "image-pull-policy", "require-probes",
                "probe-sanity", "termination-budget", "pdb-sanity", "require-pdb-on-create", "require-requests", "require-requests-for-hpa");

        // An upgrade (and kubectl scale) is an UPDATE: require-pdb looks for the PDB.
        AdmissionInput update = ManifestInput.of("UPDATE", deployment, deployment, NAMESPACE, null, false);
        assertThat(engine.mutate(update, pack, cluster).patch()).isNull();
        assertPasses(engine.evaluate(update, pack, cluster), "require-pdb", "termination-budget", "pdb-sanity");

        AdmissionInput budget = ManifestInput.of("CREATE", pdb, null, NAMESPACE, null, false);
        assertPasses(engine.evaluate(budget, pack, cluster), "pdb-sanity", "pdb-hpa-sanity");
    }

    /** Allowed, silent, and every policy that matched passed, the named ones among them. */
    static void assertPasses(Verdict verdict, String... policies) {
        assertThat(verdict.results()).as("%s", verdict.results()).allMatch(r -> r.outcome() == PolicyResult.Outcome.PASS);
        assertThat(verdict.results().stream().map(PolicyResult::policy)).contains(policies);
        assertThat(verdict.allowed()).isTrue();
        assertThat(verdict.warnings()).isEmpty();
        assertThat(verdict.auditAnnotations()).isEmpty();
    }

    // --- observability: dashboard and alerts -------------------------------------------------------

    @Test
    void theDashboardIsAnOptInConfigMapForGrafanasSidecarWithValidJson() throws Exception {
        assertThat(render(Map.of()).all("ConfigMap")).extracting(c -> c.at("/metadata/name").asText())
                .doesNotContain(FULLNAME + "-dashboard");

        RenderedChart chart = render(Map.of("grafanaDashboard.enabled", "true", "grafanaDashboard.namespace", "monitoring",
                "grafanaDashboard.labels.team", "platform"));

        JsonNode configMap = chart.named("ConfigMap", FULLNAME + "-dashboard");
        assertThat(configMap.at("/metadata/namespace").asText()).isEqualTo("monitoring");
        assertThat(configMap.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
        assertThat(configMap.at("/metadata/labels/team").asText()).isEqualTo("platform");
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper().readTree(configMap.at("/data/harbormaster.json").asText());
        assertThat(dashboard.path("uid").asText()).isEqualTo("harbormaster");
        assertThat(dashboard).isEqualTo(new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Path.of("charts/harbormaster/dashboards/harbormaster.json").toFile()));
        List<String> titles = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            titles.add(panel.path("title").asText());
            assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty()
                    .allSatisfy(target -> assertThat(target.path("expr").asText()).contains("harbormaster_"));
        }
        // What the issue asks to see: rate and latency per door, denials by policy, reload health, cache sync, certificate expiry.
        assertThat(String.join("\n", titles)).contains("Requests per second, by door", "Answer time p50 / p99, by door",
                "Denials per second, by policy", "Last policy reload succeeded", "Cluster cache synced",
                "Serving certificate expires in");
    }

    /** The metric names the dashboard's and the alerts' queries use (the running server's side is ChartMetricsTest). */
    static java.util.Set<String> metricsQueried(RenderedChart chart) throws Exception {
        java.util.Set<String> names = new java.util.TreeSet<>();
        java.util.regex.Pattern metric = java.util.regex.Pattern.compile("harbormaster_[a-z_]+");
        List<String> queries = new ArrayList<>();
        JsonNode dashboard = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(chart.named("ConfigMap", FULLNAME + "-dashboard").at("/data/harbormaster.json").asText());
        dashboard.path("panels").forEach(panel -> panel.path("targets").forEach(target -> queries.add(target.path("expr").asText())));
        dashboard.path("templating").path("list").forEach(variable -> queries.add(variable.path("query").asText()));
        chart.one("PrometheusRule").at("/spec/groups/0/rules").forEach(rule -> queries.add(rule.path("expr").asText()));
        for (String query : queries) {
            java.util.regex.Matcher found = metric.matcher(query);
            while (found.find()) {
                names.add(found.group());
            }
        }
        return names;
    }

    @Test
    void theAlertsAreOptInAndSayWhatTheyWatch() throws Exception {
        assertThat(render(Map.of()).all("PrometheusRule")).isEmpty();

        RenderedChart chart = render(Map.of("prometheusRule.enabled", "true", "prometheusRule.labels.release", "prometheus"));

        JsonNode rule = chart.one("PrometheusRule");
        assertThat(rule.at("/metadata/namespace").asText()).isEqualTo(NAMESPACE);
        assertThat(rule.at("/metadata/labels/release").asText()).isEqualTo("prometheus");
        Map<String, String> alerts = new TreeMap<>();
        String operations = Files.readString(Path.of("docs/operations.md"));
        for (JsonNode alert : rule.at("/spec/groups/0/rules")) {
            String name = alert.path("alert").asText();
            alerts.put(name, alert.path("expr").asText());
            assertThat(alert.at("/annotations/summary").asText()).as(name).isNotEmpty();
            assertThat(alert.at("/annotations/description").asText()).as(name).isNotEmpty();
            // Each runbook link points at the section of docs/operations.md that says what to do.
            String anchor = alert.at("/annotations/runbook_url").asText().replaceFirst(".*#", "");
            assertThat(anchor).isEqualTo(name.toLowerCase(java.util.Locale.ROOT));
            assertThat(operations).as("docs/operations.md has a section for " + name).contains("### " + name + "\n");
            assertThat(alert.path("expr").asText()).as(name).contains("namespace=\"" + NAMESPACE + "\"");
        }
        assertThat(alerts).containsOnlyKeys("HarbormasterWebhookErrors", "HarbormasterPolicyErrors", "HarbormasterSlowAnswers",
                "HarbormasterPolicyReloadFailing", "HarbormasterCacheNotSynced", "HarbormasterCertificateExpiring");
        // Thresholds from the values: half the 5 s webhook timeout, 14 days.
        assertThat(alerts.get("HarbormasterSlowAnswers")).startsWith("histogram_quantile(0.99,").endsWith("> 2.5");
        assertThat(alerts.get("HarbormasterCertificateExpiring")).endsWith("< 1209600");
        assertThat(alerts.get("HarbormasterPolicyReloadFailing")).contains("harbormaster_policy_set_last_reload_successful").endsWith("== 0");
        assertThat(alerts.get("HarbormasterCacheNotSynced")).contains("harbormaster_cluster_synced").endsWith("== 0");

        RenderedChart tuned = render(Map.of("prometheusRule.enabled", "true", "webhook.timeoutSeconds", "10",
                "prometheusRule.certificateExpiryDays", "30"));
        JsonNode tunedRules = tuned.one("PrometheusRule").at("/spec/groups/0/rules");
        List<String> expressions = new ArrayList<>();
        tunedRules.forEach(r -> expressions.add(r.path("expr").asText()));
        assertThat(expressions).anySatisfy(e -> assertThat(e).startsWith("histogram_quantile").endsWith("> 5"));
        assertThat(expressions).anySatisfy(e -> assertThat(e).endsWith("< 2592000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"prometheusRule.latencyBudgetRatio=0", "prometheusRule.latencyBudgetRatio=1.5",
            "prometheusRule.certificateExpiryDays=0", "grafanaDashboard.enable=true"})
    void theSchemaRefusesObservabilityValuesThatCannotWork(String assignment) {
        String[] keyValue = assignment.split("=", 2);

        assertThatThrownBy(() -> render(Map.of(keyValue[0], keyValue[1]))).hasMessageContaining("schema");
    }

    static List<String> texts(JsonNode array) {
        List<String> texts = new ArrayList<>();
        array.forEach(item -> texts.add(item.asText()));
        return texts;
    }
}
