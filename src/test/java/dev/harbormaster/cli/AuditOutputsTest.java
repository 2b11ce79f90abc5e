package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;

/** Every format tells the same story, unusable inputs included, and says it the same way twice. */
class AuditOutputsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CORPUS = "src/test/resources/audit-corpus";
    private static final String BROKEN = "src/test/resources/audit-broken/broken.yaml";

    @TempDir
    Path dir;

    private static Document xml(String text) throws Exception {
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(text.getBytes()));
    }

    @Test
    void junitCountsUnusableInputsAsErrorsAndSkippedDocumentsAsSkipped() throws Exception {
        Path values = Files.writeString(dir.resolve("values.yaml"), "replicas: 3\n");
        CliRun run = CliRun.of("audit", "-o", "junit", BROKEN, values.toString(), CORPUS + "/list.yaml");
        assertThat(run.exitCode()).isEqualTo(2);
        Element suites = xml(run.out()).getDocumentElement();
        assertThat(suites.getAttribute("errors")).isEqualTo("1");
        assertThat(suites.getAttribute("skipped")).isEqualTo("1");
        assertThat(suites.getAttribute("failures")).isEqualTo("1");
        Element error = (Element) suites.getElementsByTagName("error").item(0);
        assertThat(error.getAttribute("message")).startsWith(BROKEN + " (document 2, line 7): not valid YAML");
        assertThat(((Element) error.getParentNode().getParentNode()).getAttribute("name")).isEqualTo(BROKEN);
        assertThat(((Element) suites.getElementsByTagName("skipped").item(0)).getAttribute("message")).contains("skipped: not a Kubernetes object");
    }

    @Test
    void sarifNamesUnusableInputsAsNotificationsAndTheRunAsUnsuccessful() throws Exception {
        CliRun run = CliRun.of("audit", "-o", "sarif", BROKEN);
        assertThat(run.exitCode()).isEqualTo(2);
        JsonNode invocation = JSON.readTree(run.out()).at("/runs/0/invocations/0");
        assertThat(invocation.path("executionSuccessful").asBoolean()).isFalse();
        JsonNode notification = invocation.at("/toolExecutionNotifications/0");
        assertThat(notification.path("level").asText()).isEqualTo("error");
        assertThat(notification.at("/message/text").asText()).contains("not valid YAML");
        assertThat(notification.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).isEqualTo(BROKEN);
        assertThat(notification.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(7);
        JsonNode clean = JSON.readTree(CliRun.of("audit", "-o", "sarif", CORPUS + "/list.yaml").out()).at("/runs/0/invocations/0");
        assertThat(clean.path("executionSuccessful").asBoolean()).isTrue();
        assertThat(clean.path("toolExecutionNotifications")).isEmpty();
    }

    @Test
    void sarifHasTheToolVersionRulesWithDescriptionsAndHelpAndMessagesThatNameTheObjectOnce() throws Exception {
        JsonNode sarif = JSON.readTree(CliRun.of("audit", "-o", "sarif", CORPUS + "/list.yaml").out());
        JsonNode driver = sarif.at("/runs/0/tool/driver");
        assertThat(driver.path("version").asText()).isEqualTo(Cli.Version.version()).isNotEmpty();
        JsonNode rule = null;
        for (JsonNode candidate : driver.path("rules")) {
            if (candidate.path("id").asText().equals("disallow-latest-tag")) {
                rule = candidate;
            }
        }
        assertThat(rule).as(driver.toString()).isNotNull();
        assertThat(rule.at("/shortDescription/text").asText()).isNotBlank().doesNotContain("Policy disallow-latest-tag");
        assertThat(rule.at("/fullDescription/text").asText()).startsWith(rule.at("/shortDescription/text").asText());
        assertThat(rule.path("helpUri").asText()).isEqualTo(ReportWriter.POLICY_DOCS + "disallow-latest-tag");
        assertThat(Files.readString(Path.of("docs/policies.md"))).as("the anchor exists").contains("<a id=\"disallow-latest-tag\"></a>");
        for (JsonNode result : sarif.at("/runs/0/results")) {
            String text = result.at("/message/text").asText();
            assertThat(text.indexOf("latest-web")).as(text).isEqualTo(text.lastIndexOf("latest-web"));
        }
        assertThat(sarif.at("/runs/0/results/0/locations/0/physicalLocation/region/startLine").asInt()).as("the item's line in the List").isEqualTo(4);
    }

    @Test
    void everyRuleOfTheDefaultPackHasItsAnchorInThePolicyDocs() throws Exception {
        String docs = Files.readString(Path.of("docs/policies.md"));
        List<String> missing = new ArrayList<>();
        try (var files = Files.list(Path.of("policies"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") && !f.toString().endsWith(".test.yaml")).toList()) {
                for (String line : Files.readAllLines(file)) {
                    if (line.startsWith("  name: ") && !docs.contains("<a id=\"" + line.substring(8).strip() + "\"></a>")) {
                        missing.add(line.substring(8).strip());
                    }
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void twoRunsWriteTheSameBytesInEveryFormat() {
        for (String format : List.of("table", "json", "junit", "sarif")) {
            String first = CliRun.of("audit", "-o", format, CORPUS).out();
            String second = CliRun.of("audit", "-o", format, CORPUS).out();
            assertThat(second).as(format).isEqualTo(first);
        }
    }

    @Test
    void jsonKeysComeInAFixedOrder() throws Exception {
        JsonNode report = JSON.readTree(CliRun.of("audit", "-o", "json", CORPUS + "/list.yaml").out());
        assertThat(List.copyOf(iterable(report.fieldNames()))).containsExactly("objects", "errors", "notices", "summary");
        assertThat(List.copyOf(iterable(report.at("/objects/0").fieldNames()))).containsExactly("file", "line", "kind", "namespace", "name",
                "title", "operation", "allowed", "findings", "warnings", "mutatedBy", "passesOnlyAfterMutation", "patch", "diff");
        JsonNode sarif = JSON.readTree(CliRun.of("audit", "-o", "sarif", CORPUS + "/list.yaml").out());
        assertThat(List.copyOf(iterable(sarif.fieldNames()))).containsExactly("$schema", "version", "runs");
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    @Test
    void theTableListsFindingsOnlyWithColumnsAsWideAsTheirContent() throws Exception {
        String longName = "a-deployment-with-a-name-far-longer-than-thirty-six-characters";
        Path file = Files.writeString(dir.resolve("long.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: %s}
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers: [{name: web, image: "web:latest", livenessProbe: {httpGet: {path: /, port: 80}}, readinessProbe: {httpGet: {path: /, port: 80}}}]
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: quiet}
                """.formatted(longName));
        CliRun run = CliRun.of("audit", "--offline", file.toString());
        List<String> lines = run.out().lines().toList();
        String header = lines.get(0);
        int policyColumn = header.indexOf("POLICY");
        assertThat(policyColumn).isEqualTo(("Deployment default/" + longName).length() + 2);
        for (String row : lines.subList(1, lines.size())) {
            if (row.isEmpty()) {
                break;
            }
            assertThat(row.charAt(policyColumn - 1)).as(row).isEqualTo(' ');
            assertThat(row.charAt(policyColumn)).as(row).isNotEqualTo(' ');
        }
        assertThat(run.out()).doesNotContain("ConfigMap default/quiet").contains("2 objects:").contains("1 with no finding");
    }

    @Test
    void quietKeepsTheFindingsOnlyAndNoDiffDropsTheDiffs() {
        CliRun full = CliRun.of("audit", CORPUS + "/helm-rendered.yaml", CORPUS + "/list.yaml");
        assertThat(full.out()).contains("mutated by").contains("objects:");
        CliRun noDiff = CliRun.of("audit", "--no-diff", CORPUS + "/helm-rendered.yaml", CORPUS + "/list.yaml");
        assertThat(noDiff.out()).doesNotContain("mutated by").doesNotContain("+++").contains("objects:");
        CliRun quiet = CliRun.of("audit", "-q", CORPUS + "/helm-rendered.yaml", CORPUS + "/list.yaml");
        assertThat(quiet.out()).doesNotContain("mutated by").doesNotContain("objects:");
        List<String> rows = quiet.out().lines().toList();
        assertThat(rows.get(0)).startsWith("OBJECT");
        assertThat(rows.subList(1, rows.size())).isNotEmpty().allSatisfy(row -> assertThat(row).containsPattern("\\s(Deny|Warn|Audit|Skip|Error)\\s"));
        assertThat(quiet.exitCode()).isEqualTo(full.exitCode()).isEqualTo(1);
    }

    @Test
    void summaryCountsPerPolicyAndPerNamespace() throws Exception {
        CliRun run = CliRun.of("audit", "--summary", "--no-diff", CORPUS + "/list.yaml");
        assertThat(run.out()).containsPattern("(?m)^POLICY\\s+DENY\\s+WARN\\s+AUDIT\\s+SKIP\\s+ERROR$")
                .containsPattern("(?m)^disallow-latest-tag\\s+1\\s+0\\s+0\\s+0\\s+0$")
                .containsPattern("(?m)^NAMESPACE\\s+OBJECTS\\s+DENIED\\s+WARNED\\s+MUTATED$")
                .containsPattern("(?m)^default\\s+2\\s+1\\s+");
        JsonNode json = JSON.readTree(CliRun.of("audit", "-o", "json", CORPUS + "/list.yaml").out());
        assertThat(json.at("/summary/byPolicy/disallow-latest-tag/Deny").asInt()).isEqualTo(1);
        assertThat(json.at("/summary/byNamespace/default/objects").asInt()).isEqualTo(2);
    }
}
