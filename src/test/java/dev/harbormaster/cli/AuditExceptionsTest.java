package dev.harbormaster.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** harbormaster audit --exceptions: the PolicyException resources a cluster holds, read as files. */
class AuditExceptionsTest {

    @TempDir
    Path dir;
    Path manifest;

    @BeforeEach
    void latestImage() throws Exception {
        manifest = dir.resolve("web.yaml");
        Files.writeString(manifest, """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: legacy-batch, namespace: team-a, labels: {tier: batch}}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: legacy-batch}}
                  template:
                    metadata: {labels: {app: legacy-batch}}
                    spec:
                      containers:
                      - name: web
                        image: nginx:latest
                        livenessProbe: {httpGet: {path: /, port: 80}}
                        readinessProbe: {httpGet: {path: /, port: 80}}
                        resources: {requests: {cpu: 100m, memory: 64Mi}}
                """);
    }

    private Path exception(String name, String body) throws Exception {
        Path file = dir.resolve("exceptions").resolve(name + ".yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, """
                apiVersion: harbormaster.dev/v1alpha1
                kind: PolicyException
                metadata: {name: %s, namespace: team-a}
                spec:
                %s
                """.formatted(name, body.indent(2)));
        return file;
    }

    @Test
    void withoutTheExceptionTheLatestTagIsDenied() {
        CliRun run = CliRun.of("audit", manifest.toString());
        assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
        assertThat(run.out()).containsPattern("disallow-latest-tag\\s+Deny");
    }

    @Test
    void anExemptedResultIsASkipWithTheExceptionAndItsReason() throws Exception {
        exception("legacy-batch", """
                reason: migrating to v2
                expiresAt: "2099-03-01T00:00:00Z"
                match: {kinds: [Deployment], names: ["legacy-*"], selector: {matchLabels: {tier: batch}}}
                policies:
                - name: disallow-latest-tag
                  validations: [1]
                """);
        CliRun run = CliRun.of("audit", "--exceptions", dir.resolve("exceptions").toString(), manifest.toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(run.out()).containsPattern("disallow-latest-tag\\s+Skip\\s+\\S+\\s+validations\\[1\\] "
                + "exempted by team-a/legacy-batch until 2099-03-01: migrating to v2");
        assertThat(run.out()).doesNotContainPattern("disallow-latest-tag\\s+Deny");
    }

    @Test
    void anExceptionSelectingOtherObjectsExemptsNothing() throws Exception {
        Path file = exception("other", """
                reason: another team's
                match: {selector: {matchLabels: {tier: web}}}
                policies: [{name: disallow-latest-tag}]
                """);
        CliRun run = CliRun.of("audit", "--exceptions", file.toString(), manifest.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("disallow-latest-tag\\s+Deny").doesNotContain("exempted");
    }

    @Test
    void anExpiredExceptionSaysSoAndThePolicyDeniesAgain() throws Exception {
        Path file = exception("legacy-batch", """
                reason: migrating to v2
                expiresAt: "2020-03-01T00:00:00Z"
                policies: [{name: disallow-latest-tag}]
                """);
        CliRun run = CliRun.of("audit", "--exceptions", file.toString(), manifest.toString());
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).containsPattern("disallow-latest-tag\\s+Deny")
                .contains("exception team-a/legacy-batch expired on 2020-03-01: the policy applies again");
    }

    @Test
    void anExceptionForAPolicyThatIsNotLoadedIsUnusableInput() throws Exception {
        Path file = exception("typo", """
                reason: r
                policies: [{name: disallow-latest-tags}]
                """);
        CliRun run = CliRun.of("audit", "--exceptions", file.toString(), manifest.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(file + " (document 1, line 6), policy typo, spec.policies[0].name: no policy 'disallow-latest-tags' is in force");
        assertThat(CliRun.of("audit", "--exceptions", dir.resolve("missing.yaml").toString(), manifest.toString()).err())
                .contains("--exceptions " + dir.resolve("missing.yaml") + ": no such file or directory");
    }
}
