package dev.harbormaster.cli;

import static dev.harbormaster.policy.TestPolicies.validating;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What every command-line tool is expected to do: help, version, kubectl's -f and -n, completion. */
class CliConventionsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p%s}\nspec: {containers: [{name: c, image: \"busybox:1.36\"}]}\n";

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"serve", "audit", "test", "version", "completion"})
    void everyCommandHasHelpAndVersion(String command) {
        CliRun help = CliRun.of(command, "--help");
        assertThat(help.exitCode()).as(help.err()).isZero();
        assertThat(help.out()).startsWith("Usage: harbormaster " + command).contains("-h, --help").contains("-V, --version");
        CliRun shortHelp = CliRun.of(command, "-h");
        assertThat(shortHelp.out()).isEqualTo(help.out());
        CliRun version = CliRun.of(command, "--version");
        assertThat(version.exitCode()).isZero();
        assertThat(version.out()).startsWith("harbormaster ");
    }

    @Test
    void theRootListsEveryCommand() {
        CliRun help = CliRun.of("--help");
        assertThat(help.exitCode()).isZero();
        assertThat(help.out()).contains("serve").contains("audit").contains("test").contains("version").contains("completion");
    }

    @Test
    void aMistypedOptionIsExitTwoWithTheCommandsHelpHint() {
        CliRun run = CliRun.of("audit", "--quite", "x.yaml");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Unknown option: '--quite'").contains("Try 'harbormaster audit --help'.")
                .doesNotContain("Exception");
    }

    @Test
    void completionWritesABashScriptThatKnowsTheCommandsAndOptions() {
        CliRun bash = CliRun.of("completion", "bash");
        assertThat(bash.exitCode()).isZero();
        assertThat(bash.out()).startsWith("#!/usr/bin/env bash").contains("complete -F").contains("audit").contains("--no-default-policies");
        CliRun fish = CliRun.of("completion", "fish");
        assertThat(fish.exitCode()).isEqualTo(2);
        assertThat(fish.err()).contains("'fish' is not a supported shell");
    }

    @Test
    void filenameOptionsAndPositionalFilesAreTheSame() throws Exception {
        Path a = Files.writeString(dir.resolve("a.yaml"), POD.formatted("a"));
        Path b = Files.writeString(dir.resolve("b.yaml"), POD.formatted("b"));
        CliRun positional = CliRun.of("audit", "--offline", "-o", "json", a.toString(), b.toString());
        CliRun options = CliRun.of("audit", "--offline", "-o", "json", "-f", a.toString(), "--filename", b.toString());
        assertThat(JSON.readTree(options.out()).at("/summary/objects").asInt()).isEqualTo(2);
        assertThat(options.out()).isEqualTo(positional.out());
        CliRun none = CliRun.of("audit");
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no manifests given");
    }

    @Test
    void objectsWithoutANamespaceGetTheOneGivenOrDefault() throws Exception {
        Path pod = Files.writeString(dir.resolve("pod.yaml"), POD.formatted("") + "---\napiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
        JsonNode byDefault = JSON.readTree(CliRun.of("audit", "--offline", "-o", "json", pod.toString()).out());
        assertThat(byDefault.at("/objects/0/namespace").asText()).isEqualTo("default");
        assertThat(byDefault.at("/objects/0/title").asText()).isEqualTo("Pod default/p");
        assertThat(byDefault.at("/objects/1/namespace").asText()).as("a Namespace has none").isEmpty();
        JsonNode given = JSON.readTree(CliRun.of("audit", "--offline", "-o", "json", "-n", "shop", pod.toString()).out());
        assertThat(given.at("/objects/0/namespace").asText()).isEqualTo("shop");
    }

    @Test
    void anObjectInAnotherNamespaceThanTheOneGivenIsRefusedAsKubectlDoes() throws Exception {
        Path pod = Files.writeString(dir.resolve("pod.yaml"), POD.formatted("").replace("metadata: {name: p}", "metadata: {name: p, namespace: prod}"));
        assertThat(CliRun.of("audit", "--offline", pod.toString()).exitCode()).as("without -n it keeps its own").isNotEqualTo(2);
        CliRun run = CliRun.of("audit", "--offline", "-n", "dev", pod.toString());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("pod.yaml (document 1, line 1): the object's namespace 'prod' does not match --namespace dev");
    }

    @Test
    void policiesAddToTheDefaultPackAndNoDefaultPoliciesReplacesIt() throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("no-p.yaml"), validating("no-pod-named-p", "object.metadata.name != 'p'"));
        Path pod = Files.writeString(dir.resolve("pod.yaml"), POD.formatted("").replace("busybox:1.36", "busybox"));

        String added = CliRun.of("audit", "--offline", "-o", "json", "-p", policies.toString(), pod.toString()).out();
        assertThat(added).contains("no-pod-named-p").contains("disallow-latest-tag");
        String replaced = CliRun.of("audit", "--offline", "-o", "json", "--no-default-policies", "-p", policies.toString(), pod.toString()).out();
        assertThat(replaced).contains("no-pod-named-p").doesNotContain("disallow-latest-tag");
        CliRun nothing = CliRun.of("audit", "--no-default-policies", pod.toString());
        assertThat(nothing.exitCode()).isEqualTo(2);
        assertThat(nothing.err()).contains("--no-default-policies leaves no policies");
    }

    @Test
    void aPolicyNamedAsABundledOneReplacesItWithAWarning() throws Exception {
        Path policies = Files.createDirectory(dir.resolve("policies"));
        Files.writeString(policies.resolve("mine.yaml"), validating("disallow-latest-tag", "object.metadata.name != 'p'"));
        Path pod = Files.writeString(dir.resolve("pod.yaml"), POD.formatted("").replace("busybox:1.36", "busybox"));
        CliRun run = CliRun.of("audit", "--offline", "-o", "json", "-p", policies.toString(), pod.toString());
        assertThat(run.err()).contains("warning: policies/disallow-latest-tag.yaml (document 1, line 1), policy disallow-latest-tag: "
                + "replaced by the policy of the same name in " + policies.resolve("mine.yaml"));
        assertThat(run.out()).as("the bundled rule (untagged image) is gone, the replacement (name p) speaks")
                .doesNotContain("untagged").contains("\"policy\" : \"disallow-latest-tag\"");
        CliRun same = CliRun.of("test", "-p", "policies");
        assertThat(same.err()).as("the bundled pack's own files replace it silently").doesNotContain("replaced by");
    }

    @Test
    void standardInputIsReadOnceAndAskingTwiceIsRefused() {
        java.io.InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(POD.formatted("").getBytes()));
            CliRun twice = CliRun.of("audit", "--old", "-", "-");
            assertThat(twice.exitCode()).isEqualTo(2);
            assertThat(twice.err()).contains("- (standard input) is given more than once; it can be read only once");
            CliRun once = CliRun.of("audit", "--offline", "-o", "json", "-");
            assertThat(once.exitCode()).as(once.err()).isNotEqualTo(2);
            assertThat(once.out()).contains("<stdin>");
        } finally {
            System.setIn(stdin);
        }
    }
}
