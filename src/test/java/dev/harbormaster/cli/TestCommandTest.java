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
        assertThat(run.out()).contains("PASS policies/disallow-latest-tag.test.yaml: disallow-latest-tag: a pinned tag is allowed")
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
        CliRun run = CliRun.of("test", "-p", dir.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).contains("FAIL " + dir.resolve("tests.yaml") + ": wrong: expects the wrong thing")
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
        CliRun test = CliRun.of("test", "-p", policies.toString());
        assertThat(test.exitCode()).as(test.out()).isZero();
        assertThat(test.err()).contains(warning).contains("did you mean 'pods'?");
        Path pod = Files.writeString(dir.resolve("pod.yaml"),
                "{apiVersion: v1, kind: Pod, metadata: {name: p}, spec: {containers: [{name: c, image: \"c:1\"}]}}");
        CliRun audit = CliRun.of("audit", "--offline", "-p", policies.toString(), pod.toString());
        assertThat(audit.err()).contains(warning);
    }

    @Test
    void noTestsOrBrokenPoliciesExitTwo(@TempDir Path dir) throws Exception {
        Files.copy(Path.of("policies/disallow-latest-tag.yaml"), dir.resolve("policy.yaml"));
        assertThat(CliRun.of("test", "-p", dir.toString()).exitCode()).isEqualTo(2);
        Files.writeString(dir.resolve("broken.yaml"), "kind: [\n");
        CliRun broken = CliRun.of("test", "-p", dir.toString());
        assertThat(broken.exitCode()).isEqualTo(2);
        assertThat(broken.err()).contains("broken.yaml (document 1, line ");
    }
}
