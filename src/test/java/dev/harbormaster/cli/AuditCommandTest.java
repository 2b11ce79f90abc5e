package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

class AuditCommandTest {

    private static final String CORPUS = "src/test/resources/audit-corpus";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aCleanHelmRenderingExitsZeroAndItsPdbCountsForItsDeployment() throws Exception {
        CliRun run = CliRun.of("audit", "-o", "json", CORPUS + "/helm-rendered.yaml");
        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.at("/summary/objects").asInt()).isEqualTo(3);
        JsonNode deployment = report.path("objects").get(1);
        assertThat(deployment.path("kind").asText()).isEqualTo("Deployment");
        assertThat(deployment.path("line").asInt()).as("the apiVersion line, after the # Source comment").isEqualTo(16);
        assertThat(deployment.path("allowed").asBoolean()).isTrue();
        // The PDB rendered beside it is the cluster's state: require-pdb-on-create finds it.
        assertThat(deployment.path("findings").toString()).doesNotContain("require-pdb");
        assertThat(deployment.path("mutatedBy").toString()).isEqualTo("[\"inject-prestop\",\"raise-termination-grace\"]");
        assertThat(deployment.path("patch").isArray()).isTrue();
        assertThat(deployment.path("diff").asText()).contains("+      terminationGracePeriodSeconds: 45");
    }

    @Test
    void aDirectoryIsReadRecursivelyWithListsAndJsonAndADenyExitsOne() {
        CliRun run = CliRun.of("audit", CORPUS);
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out())
                .containsPattern("Deployment default/latest-web\\s+disallow-latest-tag\\s+Deny\\s+src/test/resources/audit-corpus/list.yaml:4")
                .as("an object without findings is counted, not listed").doesNotContain("Job default/migrate")
                .contains("6 objects: 1 denied, 5 allowed");
        assertThat(run.out()).doesNotContain("notes.txt");
    }

    /** A 3-replica Deployment alone: its PDB is what the cluster already holds (--cluster-state), or unknown (--offline). */
    @Test
    void clusterStateFromAFileAndOffline(@TempDir Path dir) throws Exception {
        Path deployment = dir.resolve("web.yaml");
        Files.writeString(deployment, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: shop}
                spec:
                  replicas: 3
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: "web:1.0"}]}
                """);
        Path state = dir.resolve("live.yaml");
        Files.writeString(state, """
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: web, namespace: shop}
                spec: {maxUnavailable: 1, selector: {matchLabels: {app: web}}}
                """);

        CliRun alone = CliRun.of("audit", "-o", "json", deployment.toString());
        CliRun withState = CliRun.of("audit", "-o", "json", "--cluster-state", state.toString(), deployment.toString());
        CliRun offline = CliRun.of("audit", "-o", "json", "--offline", deployment.toString());

        assertThat(JSON.readTree(alone.out()).path("objects").get(0).path("findings").toString())
                .contains("require-pdb-on-create").contains("has no PDB");
        assertThat(JSON.readTree(withState.out()).path("objects").get(0).path("findings").toString()).doesNotContain("require-pdb");
        assertThat(JSON.readTree(offline.out()).path("objects").get(0).path("findings").toString())
                .contains("require-pdb-on-create").contains("could not check: no cluster connection (offline)");
    }

    @Test
    void standardInputWorksAsInAPipe() {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c, image: busybox}]}\n".getBytes()));
            CliRun run = CliRun.of("audit", "-");
            assertThat(run.exitCode()).isEqualTo(1);
            assertThat(run.out()).contains("<stdin>:1").contains("uses \"busybox\" (untagged, so latest)");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void auditModeReportsButDoesNotFail() {
        CliRun run = CliRun.of("audit", "--mode", "audit", CORPUS + "/list.yaml");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("disallow-latest-tag\\s+Warn");
    }

    @Test
    void aBrokenDocumentIsNamedWithFileAndDocumentAndExitsTwo() {
        CliRun run = CliRun.of("audit", "src/test/resources/audit-broken/broken.yaml", CORPUS + "/nested");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("harbormaster audit: unusable input: src/test/resources/audit-broken/broken.yaml (document 2, line 7): not valid YAML");
        CliRun json = CliRun.of("audit", "-o", "json", "src/test/resources/audit-broken/broken.yaml", CORPUS + "/nested");
        assertThat(json.out()).as("what could be read is still reported").contains("ConfigMap default/fine").contains("Job default/migrate");
    }

    @Test
    void aMissingFileAndABrokenPolicyDirectoryExitTwoWithAReason(@TempDir Path dir) throws Exception {
        CliRun missing = CliRun.of("audit", "no-such-file.yaml");
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("no-such-file.yaml: cannot read");

        Files.writeString(dir.resolve("bad.yaml"), "apiVersion: harbormaster.dev/v1alpha1\nkind: ValidatingPolicy\nmetadata: {name: bad}\nspec: {validationActions: [Deny]}\n");
        CliRun badPolicies = CliRun.of("audit", "--policies", dir.toString(), CORPUS);
        assertThat(badPolicies.exitCode()).isEqualTo(2);
        assertThat(badPolicies.err()).contains("bad.yaml (document 1, line 4), policy bad, spec.matchConstraints: missing");
    }

    @Test
    void anUpdateWithOldObjectsIsChecked(@TempDir Path dir) throws Exception {
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers: [{name: web, image: "web:%s", livenessProbe: {httpGet: {path: /, port: 80}}, readinessProbe: {httpGet: {path: /, port: 80}}}]
                """;
        Files.writeString(dir.resolve("old.yaml"), deployment.formatted("1.0"));
        Files.writeString(dir.resolve("new.yaml"), deployment.formatted("latest"));
        CliRun run = CliRun.of("audit", "-o", "json", "--old", dir.resolve("old.yaml").toString(), dir.resolve("new.yaml").toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(JSON.readTree(run.out()).at("/objects/0/operation").asText()).isEqualTo("UPDATE");
    }

    @Test
    void junitOutputHasATestCasePerObjectAndAFailurePerDeniedOne() throws Exception {
        CliRun run = CliRun.of("audit", "-o", "junit", CORPUS);
        Document xml = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(new ByteArrayInputStream(run.out().getBytes()));
        Element suites = xml.getDocumentElement();
        assertThat(suites.getAttribute("tests")).isEqualTo("6");
        assertThat(suites.getAttribute("failures")).isEqualTo("1");
        NodeList failures = xml.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(1);
        assertThat(((Element) failures.item(0)).getAttribute("message")).startsWith("[disallow-latest-tag] Deployment latest-web");
        assertThat(((Element) failures.item(0).getParentNode()).getAttribute("classname")).endsWith("list.yaml");
    }

    @Test
    void sarifOutputHasAResultPerFindingWithItsLocation() throws Exception {
        JsonNode sarif = JSON.readTree(CliRun.of("audit", "-o", "sarif", CORPUS + "/list.yaml").out());
        assertThat(sarif.path("version").asText()).isEqualTo("2.1.0");
        JsonNode result = sarif.at("/runs/0/results/0");
        assertThat(result.path("ruleId").asText()).isEqualTo("disallow-latest-tag");
        assertThat(result.path("level").asText()).isEqualTo("error");
        assertThat(result.at("/locations/0/physicalLocation/artifactLocation/uri").asText()).endsWith("list.yaml");
        assertThat(result.at("/locations/0/physicalLocation/region/startLine").asInt()).as("the item's line in the List").isEqualTo(4);
        assertThat(sarif.at("/runs/0/tool/driver/rules").toString()).contains("disallow-latest-tag");
    }

    @Test
    void badOptionsExitTwo() {
        assertThat(CliRun.of("audit", "-o", "xml", CORPUS).exitCode()).isEqualTo(2);
        assertThat(CliRun.of("audit").exitCode()).isEqualTo(2);
    }
}
