package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Input as kubectl takes it: JSON as JSON, YAML as YAML, and what is no manifest passed over with a word. */
class ManifestFormatsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private JsonNode audit(String... args) throws Exception {
        String[] all = new String[args.length + 4];
        all[0] = "audit";
        all[1] = "--offline";
        all[2] = "-o";
        all[3] = "json";
        System.arraycopy(args, 0, all, 4, args.length);
        CliRun run = CliRun.of(all);
        return JSON.readTree(run.out());
    }

    @Test
    void jsonWithTabsAndSeveralObjectsInARowIsRead() throws Exception {
        Path file = Files.writeString(dir.resolve("objects.json"),
                "{\n\t\"apiVersion\": \"v1\",\n\t\"kind\": \"ConfigMap\",\n\t\"metadata\": {\"name\": \"a\"}\n}\n"
                        + "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"b\"}}");
        CliRun run = CliRun.of("audit", "--offline", "-o", "json", file.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.at("/objects/0/name").asText()).isEqualTo("a");
        assertThat(report.at("/objects/1/name").asText()).isEqualTo("b");
        assertThat(report.at("/objects/1/line").asInt()).isEqualTo(6);
    }

    @Test
    void jsonOnStandardInputAndYamlFlowMappingsAreBothRead() throws Exception {
        Path flow = Files.writeString(dir.resolve("flow.yaml"), "{apiVersion: v1, kind: ConfigMap, metadata: {name: flow}}\n");
        assertThat(audit(flow.toString()).at("/objects/0/name").asText()).isEqualTo("flow");
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new java.io.ByteArrayInputStream("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"in\"}}\n\t{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"two\"}}".getBytes()));
            JsonNode report = audit("-");
            assertThat(report.at("/objects/1/name").asText()).isEqualTo("two");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void aJsonSyntaxErrorIsOneLineWithFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("bad.json"), "{\"apiVersion\": \"v1\",\n \"kind\": \"ConfigMap\"\n \"metadata\": {}}");
        CliRun run = CliRun.of("audit", "--offline", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("harbormaster audit: unusable input: " + file + " (document 1, line 3): not valid JSON: ")
                .doesNotContain("\n").doesNotContain("Exception").doesNotContain("com.fasterxml");
    }

    @Test
    void aYamlSyntaxErrorIsOneLineWithFileAndLineNotAParserDump() throws Exception {
        Path file = Files.writeString(dir.resolve("template.yaml"), """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: {{ .Release.Name }}
                """);
        CliRun run = CliRun.of("audit", "--offline", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("harbormaster audit: unusable input: " + file + " (document 1, line ")
                .contains("not valid YAML").contains("a mapping").doesNotContain("\n").doesNotContain("Exception").doesNotContain("org.yaml");
    }

    @Test
    void documentsThatAreNoObjectsAreSkippedWithANoticeAndTheRunStaysClean() throws Exception {
        Path chart = Files.createDirectories(dir.resolve("chart"));
        Files.writeString(chart.resolve("values.yaml"), "replicaCount: 2\nimage: {repository: nginx}\n");
        Files.writeString(chart.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [cm.yaml]\n");
        Files.writeString(chart.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n---\n---\n");
        CliRun run = CliRun.of("audit", "--offline", chart.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("note: " + chart.resolve("values.yaml") + " (document 1, line 1): skipped: not a Kubernetes object (no apiVersion and kind)")
                .contains("kustomization.yaml (document 1, line 1): skipped: a kustomize Kustomization");
        assertThat(run.out()).contains("1 objects:").contains("2 notice(s)");
        CliRun quiet = CliRun.of("audit", "--offline", "-q", chart.toString());
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void halfAnObjectIsAnError() throws Exception {
        Path file = Files.writeString(dir.resolve("half.yaml"), "kind: ConfigMap\nmetadata: {name: c}\n");
        CliRun run = CliRun.of("audit", "--offline", file.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("half.yaml (document 1, line 1): not a Kubernetes object: apiVersion and kind must both be strings");
    }

    @Test
    void skipTakesFileNamesAndPaths() throws Exception {
        Path root = Files.createDirectories(dir.resolve("k8s/charts/sub"));
        Files.writeString(dir.resolve("k8s/app.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\n");
        Files.writeString(dir.resolve("k8s/broken.tpl.yaml"), "a: {{ b }}\n");
        Files.writeString(root.resolve("x.yaml"), "a: {{ b }}\n");
        String k8s = dir.resolve("k8s").toString();
        assertThat(CliRun.of("audit", "--offline", k8s).exitCode()).isEqualTo(2);
        CliRun run = CliRun.of("audit", "--offline", "--skip", "*.tpl.yaml", "--skip", "charts/**", k8s);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains(dir.resolve("k8s/broken.tpl.yaml") + ": skipped (--skip *.tpl.yaml)")
                .contains(root.resolve("x.yaml") + ": skipped (--skip charts/**)");
        assertThat(run.out()).contains("1 objects:");
    }

    @Test
    void kindsTheApiServerDoesNotServeAreNotedAndStillChecked() throws Exception {
        Path file = Files.writeString(dir.resolve("old.yaml"), """
                apiVersion: extensions/v1beta1
                kind: DaemonSet
                metadata: {name: old}
                spec: {template: {spec: {containers: [{name: c, image: "<image_url>"}]}}}
                ---
                apiVersion: v1
                kind: PodDisruptionBudget
                metadata: {name: pdb}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: a}
                ---
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: b}
                """);
        CliRun run = CliRun.of("audit", "--offline", "-o", "json", file.toString());
        JsonNode notices = JSON.readTree(run.out()).path("notices");
        assertThat(notices.toString())
                .contains("(document 1, line 1): extensions/v1beta1 DaemonSet is not served by Kubernetes; DaemonSet is at apps/v1")
                .contains("(document 2, line 6): v1 PodDisruptionBudget is not served by Kubernetes; PodDisruptionBudget is at policy/v1")
                .contains("(document 3, line 10): a custom resource (monitoring.coreos.com/v1 ServiceMonitor)");
        assertThat(notices).as("one notice per custom kind, not per object").hasSize(3);
        assertThat(JSON.readTree(run.out()).at("/summary/objects").asInt()).isEqualTo(4);
    }

    @Test
    void eachItemOfAListHasItsOwnLine() throws Exception {
        JsonNode report = audit("src/test/resources/audit-corpus/list.yaml");
        assertThat(report.at("/objects/0/line").asInt()).isEqualTo(4);
        assertThat(report.at("/objects/1/line").asInt()).isEqualTo(19);
        Path json = Files.writeString(dir.resolve("list.json"), "{\"apiVersion\": \"v1\", \"kind\": \"List\", \"items\": [\n"
                + "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"a\"}},\n\n"
                + "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\", \"metadata\": {\"name\": \"b\"}}]}");
        JsonNode fromJson = audit(json.toString());
        assertThat(fromJson.at("/objects/0/line").asInt()).isEqualTo(2);
        assertThat(fromJson.at("/objects/1/line").asInt()).isEqualTo(4);
    }

    @Test
    void anObjectNamedByGenerateNameIsTitledSo() throws Exception {
        Path file = Files.writeString(dir.resolve("job.yaml"), "apiVersion: batch/v1\nkind: Job\nmetadata: {generateName: migrate-, namespace: shop}\n"
                + "spec: {template: {spec: {restartPolicy: Never, containers: [{name: m, image: \"m:1\"}]}}}\n");
        assertThat(audit(file.toString()).at("/objects/0/title").asText()).isEqualTo("Job shop/migrate-<generated>");
    }
}
