package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestCommandTest {

    @Test
    void theDefaultPackPassesItsOwnTests() {
        CliRun run = CliRun.of("test", "--policies", "policies");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).containsPattern("PASS policies/disallow-latest-tag.test.yaml:\\d+: disallow-latest-tag: a pinned tag is allowed \\(\\d+\\.\\d ms\\)")
                .containsPattern("(?m)^1[0-9]{2} passed, 0 failed$");
    }

    @Test
    void aFailingCaseIsShownWithWhyAndExitsOne(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("policies/disallow-latest-tag.yaml"), dir.resolve("policy.yaml"));
        Files.writeString(dir.resolve("tests.yaml"), """
                apiVersion: harbormaster.dev/v1alpha1
                kind: PolicyTest
                metadata: {name: wrong}
                spec:
                  cases:
                  - name: expects the wrong thing
                    object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "c:latest"}]}}
                    expect: {allowed: true}
                  - name: expects the right thing
                    object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "c:1"}]}}
                    expect: {allowed: true}
                """);
        CliRun run = CliRun.of("test", "--no-default-policies", "-p", dir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL " + dir.resolve("tests.yaml") + ":6: wrong: expects the wrong thing")
                .contains("expected allowed but was denied: [disallow-latest-tag]")
                .contains("1 passed, 1 failed");
    }

    @Test
    void aRuleOnAResourceThatIsNoneIsWarnedAboutWithTheOneMeant(@TempDir Path dir) throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("policy.yaml"), Files.readString(Path.of("policies/disallow-latest-tag.yaml"))
                .replace("resources: [pods, pods/ephemeralcontainers]", "resources: [pod, pods/ephemeralcontainers]"));
        Files.writeString(policies.resolve("tests.yaml"), """
                apiVersion: harbormaster.dev/v1alpha1
                kind: PolicyTest
                metadata: {name: singular}
                spec:
                  cases:
                  - name: the Pod rule never matches
                    object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "c:latest"}]}}
                    expect: {allowed: true}
                """);
        String warning = "policy disallow-latest-tag, spec.matchConstraints.resourceRules[0].resources: 'pod' is not a resource";
        CliRun test = CliRun.of("test", "--no-default-policies", "-p", policies.toString());
        assertThat(test.exitCode()).as(test.out()).isZero();
        assertThat(test.err()).contains(warning).contains("did you mean 'pods'?");
        Path pod = Files.writeString(dir.resolve("pod.yaml"),
                "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: \"c:1\"}]}}");
        CliRun audit = CliRun.of("audit", "--offline", "--no-default-policies", "-p", policies.toString(), pod.toString());
        assertThat(audit.err()).contains(warning);
    }

    @Test
    void noTestsOrBrokenPoliciesExitTwo(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("policies/disallow-latest-tag.yaml"), dir.resolve("policy.yaml"));
        assertThat(CliRun.of("test", "--no-default-policies", "-p", dir.toString()).exitCode()).isEqualTo(2);
        Files.writeString(dir.resolve("broken.yaml"), "kind: [\n");
        CliRun broken = CliRun.of("test", "--no-default-policies", "-p", dir.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("broken.yaml (document 1, line ");
    }

    private static final String POD_CASE = """
            apiVersion: harbormaster.dev/v1alpha1
            kind: PolicyTest
            metadata: {name: tags}
            spec:
              policies: [%s]
              cases:
              - name: latest is denied
                object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "c:latest"}]}}
                %s: {allowed: false}
              - name: a pinned tag is allowed
                object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "c:1"}]}}
                expect: {allowed: true}
            """;

    private Path pack(Path dir, String policies, String expectField) throws Exception {
        Files.copy(Path.of("policies/disallow-latest-tag.yaml"), dir.resolve("policy.yaml"));
        Files.writeString(dir.resolve("tests.yaml"), POD_CASE.formatted(policies, expectField));
        return dir;
    }

    @Test
    void aPolicyNamedThatIsNotLoadedIsOneLoadErrorWithItsLine(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of("test", "--no-default-policies", "-p", pack(dir, "disallow-latset-tag", "expect").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).as("no case ran").isEmpty();
        assertThat(run.err()).contains("1 error(s)").contains(dir.resolve("tests.yaml") + " (document 1, line 5), policy tags, spec.policies[0]: "
                + "'disallow-latset-tag' is not a loaded policy; loaded: disallow-latest-tag");
    }

    @Test
    void aMisspeltFieldIsNamedByItsYamlPathAndLineNeverAJavaClass(@TempDir Path dir) throws Exception {
        CliRun run = CliRun.of("test", "--no-default-policies", "-p", pack(dir, "disallow-latest-tag", "expcet").toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(dir.resolve("tests.yaml") + " (document 1, line 9), policy tags, spec.cases[0].expcet: unknown field (known fields here: ")
                .doesNotContain("dev.harbormaster").doesNotContain("class ").doesNotContain("PolicyTestRunner");
        Files.writeString(dir.resolve("tests.yaml"), POD_CASE.formatted("disallow-latest-tag", "expect").replace("{allowed: false}", "{allowed: nope}"));
        CliRun wrongType = CliRun.of("test", "--no-default-policies", "-p", dir.toString());
        assertThat(wrongType.err()).contains("spec.cases[0].expect.allowed: expected true or false").doesNotContain("java.lang");
    }

    @Test
    void runSelectsCasesByTestAndCaseName(@TempDir Path dir) throws Exception {
        String policies = pack(dir, "disallow-latest-tag", "expect").toString();
        CliRun run = CliRun.of("test", "--no-default-policies", "-p", policies, "--run", "tags/a pinned");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("a pinned tag is allowed").doesNotContain("latest is denied").contains("1 passed, 0 failed");
        CliRun none = CliRun.of("test", "--no-default-policies", "-p", policies, "--run", "nothing-like-this");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no PolicyTest cases matching --run nothing-like-this");
        assertThat(CliRun.of("test", "-p", policies, "--run", "(").exitCode()).isEqualTo(2);
    }

    @Test
    void junitAndJsonCarryLinesTimingsAndFailures(@TempDir Path dir) throws Exception {
        String policies = pack(dir, "disallow-latest-tag", "expect").toString();
        Files.writeString(dir.resolve("tests.yaml"), Files.readString(dir.resolve("tests.yaml")).replace("expect: {allowed: true}", "expect: {allowed: false}"));
        CliRun junit = CliRun.of("test", "--no-default-policies", "-p", policies, "-o", "junit");
        assertThat(junit.exitCode()).isEqualTo(1);
        org.w3c.dom.Document xml = javax.xml.parsers.DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new java.io.ByteArrayInputStream(junit.out().getBytes()));
        assertThat(xml.getDocumentElement().getAttribute("tests")).isEqualTo("2");
        assertThat(xml.getDocumentElement().getAttribute("failures")).isEqualTo("1");
        org.w3c.dom.Element second = (org.w3c.dom.Element) xml.getElementsByTagName("testcase").item(1);
        assertThat(second.getAttribute("name")).isEqualTo("a pinned tag is allowed");
        assertThat(second.getAttribute("line")).isEqualTo("10");
        assertThat(second.getAttribute("time")).matches("\\d+\\.\\d{3}");
        assertThat(second.getElementsByTagName("failure").getLength()).isEqualTo(1);

        CliRun json = CliRun.of("test", "--no-default-policies", "-p", policies, "-o", "json");
        com.fasterxml.jackson.databind.JsonNode report = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.out());
        assertThat(report.at("/cases/0/line").asInt()).isEqualTo(7);
        assertThat(report.at("/cases/0/passed").asBoolean()).isTrue();
        assertThat(report.at("/cases/1/failures/0").asText()).startsWith("expected denied but was allowed");
        assertThat(report.at("/cases/1/seconds").isNumber()).isTrue();
        assertThat(report.at("/summary/failed").asInt()).isEqualTo(1);
        assertThat(CliRun.of("test", "-p", policies, "-o", "tap").exitCode()).isEqualTo(2);
    }

    @Test
    void otherYamlBesidePoliciesIsPassedOverWithANotice(@TempDir Path dir) throws Exception {
        String policies = pack(dir, "disallow-latest-tag", "expect").toString();
        Files.writeString(dir.resolve("kustomization.yaml"), "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [policy.yaml]\n");
        Files.writeString(dir.resolve("values.yaml"), "replicas: 2\n");
        CliRun run = CliRun.of("test", "--no-default-policies", "-p", policies);
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("warning: " + dir.resolve("kustomization.yaml")
                + " (document 1, line 1): not a Harbormaster document (apiVersion 'kustomize.config.k8s.io/v1beta1', kind 'Kustomization'): ignored")
                .contains("values.yaml (document 1, line 1): not a Harbormaster document (apiVersion '', kind ''): ignored");
    }

    @Test
    void testRunsTheGivenDirectorysCasesWithTheDefaultPackLoaded(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tests.yaml"), """
                apiVersion: harbormaster.dev/v1alpha1
                kind: PolicyTest
                metadata: {name: bundled}
                spec:
                  policies: [disallow-latest-tag]
                  cases:
                  - name: the bundled policy is there
                    object: {apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: "c:latest"}]}}
                    expect: {allowed: false}
                """);
        CliRun run = CliRun.of("test", "-p", dir.toString());
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("the bundled policy is there").contains("1 passed, 0 failed");
    }
}
