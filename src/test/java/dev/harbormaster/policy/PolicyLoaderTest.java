package dev.harbormaster.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static dev.harbormaster.policy.TestPolicies.validating;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.harbormaster.cel.CelEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

    private final PolicyLoader loader = new PolicyLoader(new CelEnvironment());


    private PolicyLoadException failure(String content) {
        return assertThrows(PolicyLoadException.class, () -> loader.load(List.of(new PolicySource("p.yaml", content)), "test"));
    }

    @Test
    void loadsSeveralDocumentsSortedByName() throws Exception {
        PolicySet set = loader.load(List.of(new PolicySource("p.yaml", validating("zeta", "true") + "---\n" + validating("alpha", "true"))), "test");
        assertThat(set.validating()).extracting(CompiledPolicy::name).containsExactly("alpha", "zeta");
    }

    @Test
    void aCelErrorNamesFileDocumentLinePolicyFieldAndPosition() {
        String broken = validating("ok", "true") + "---\n" + validating("broken", "object.spec.containers.all(c, c.image.startsWith(1))");
        PolicyLoadException e = failure(broken);
        assertThat(e.errors()).hasSize(1);
        PolicyError error = e.errors().get(0);
        assertThat(error.file()).isEqualTo("p.yaml");
        assertThat(error.document()).isEqualTo(2);
        assertThat(error.line()).as("the expression's line").isEqualTo(21);
        assertThat(error.policy()).isEqualTo("broken");
        assertThat(error.field()).isEqualTo("spec.validations[0].expression");
        assertThat(error.message()).contains("found no matching overload for 'startsWith'").contains("<input>:1:");
        assertThat(e.getMessage()).contains("p.yaml (document 2, line 21), policy broken, spec.validations[0].expression: ");
    }

    @Test
    void aMisspeltFieldIsAnErrorWithItsPath() {
        PolicyLoadException e = failure(validating("typo", "true").replace("- expression:", "- expresion:"));
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("spec.validations[0].expresion");
            assertThat(error.message()).contains("unknown field").contains("expression, fieldPath, message, messageExpression, name, reason");
        });
    }

    @Test
    void reportsEveryProblemNotJustTheFirst() {
        String content = """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: many}
                spec:
                  validationActions: [Deny, Warn]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE, PATCH], resources: []}
                    namespaceSelector: {matchExpressions: [{key: env, operator: Like}]}
                  variables:
                  - {name: "1bad", expression: "1"}
                  validations:
                  - expression: "1 + 1"
                    reason: Teapot
                """;
        PolicyLoadException e = failure(content);
        assertThat(e.errors()).extracting(PolicyError::field).containsExactlyInAnyOrder(
                "spec.validationActions",
                "spec.matchConstraints.resourceRules[0].operations",
                "spec.matchConstraints.resourceRules[0].resources",
                "spec.matchConstraints.namespaceSelector",
                "spec.variables[0].name",
                "spec.validations[0].expression",
                "spec.validations[0].reason");
        assertThat(e.getMessage()).contains("must evaluate to bool, not int").contains("'PATCH' is not one of").contains("unknown operator 'Like'");
    }

    @Test
    void rejectsWrongKindsVersionsNamesAndDuplicates() {
        assertThat(failure(validating("x", "true").replace("kind: ValidatingPolicy", "kind: ValidatingAdmissionPolicy")).getMessage())
                .contains("kind: 'ValidatingAdmissionPolicy' is not one of [ValidatingPolicy, MutatingPolicy, PolicyException, PolicyTest]");
        assertThat(failure(validating("x", "true").replace("harbormaster.dev/v1alpha1", "v1")).getMessage())
                .contains("apiVersion: 'v1' is not harbormaster.dev/v1alpha1");
        assertThat(failure(validating("Not_A_Name", "true")).getMessage()).contains("metadata.name: 'Not_A_Name' is not a valid name");
        assertThat(failure(validating("twice", "true") + "---\n" + validating("twice", "true")).getMessage())
                .contains("a policy of this name is already defined in p.yaml (document 1)");
        assertThat(failure(validating("x", "true").replace("  validationActions: [Deny]\n", "  validationActions: [Block]\n")).getMessage())
                .contains("'Block' is not one of [Deny, Warn, Audit]");
    }

    @Test
    void aMisspeltRequestFieldIsRefusedAtLoad() throws Exception {
        PolicyLoadException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> loader.load(List.of(new PolicySource("r.yaml", TestPolicies.validating("typo", "request.namspace == 'shop'"))), "test"));
        assertThat(e.errors()).singleElement().satisfies(error -> assertThat(error.message()).contains("undefined field 'namspace'"));
        // The fields an AdmissionRequest has type-check, to the types they have.
        loader.load(List.of(new PolicySource("r.yaml", TestPolicies.validating("typed",
                "request.namespace != '' && request.userInfo.groups.all(g, g.startsWith('system:')) && !request.dryRun"
                        + " && request.kind.kind == 'Pod' && request.subResource == ''"))), "test");
    }

    @Test
    void matchPolicyEquivalentIsRefusedWithTheReason() {
        String policy = TestPolicies.validating("equivalent", "true").replace("    resourceRules:", "    matchPolicy: Equivalent\n    resourceRules:");
        PolicyLoadException e = org.junit.jupiter.api.Assertions.assertThrows(PolicyLoadException.class,
                () -> loader.load(List.of(new PolicySource("e.yaml", policy)), "test"));
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("spec.matchConstraints.matchPolicy");
            assertThat(error.message()).contains("Equivalent is not supported").contains("cannot convert objects between versions");
        });
    }

    @Test
    void invalidYamlIsReportedWithItsLine() {
        PolicyLoadException e = failure(validating("ok", "true") + "---\nkind: [unclosed\n");
        assertThat(e.errors()).singleElement().satisfies(error -> {
            assertThat(error.message()).startsWith("not valid YAML");
            assertThat(error.line()).isGreaterThanOrEqualTo(12);
        });
    }

    @Test
    void readsADirectoryRecursivelyAndSkipsHiddenConfigMapCopies(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("team/..2026_01_01_00_00_00.1"));
        Files.writeString(dir.resolve("team/a.yaml"), validating("a", "true"));
        Files.writeString(dir.resolve("team/..2026_01_01_00_00_00.1/a.yaml"), validating("a", "true"));
        Files.writeString(dir.resolve("b.yml"), validating("b", "true"));
        Files.writeString(dir.resolve("notes.txt"), "not a policy");
        List<PolicySource> sources = PolicyLoader.readDirectory(dir);
        assertThat(sources).extracting(PolicySource::name).containsExactly(dir.resolve("b.yml").toString(), dir.resolve("team/a.yaml").toString());
        assertThat(loader.load(sources, "dir").size()).isEqualTo(2);
    }

    @Test
    void theBundledPackLoads() throws Exception {
        PolicySet set = loader.load(PolicyLoader.readBundled(), "bundled");
        assertThat(set.validating()).extracting(CompiledPolicy::name).contains("disallow-latest-tag")
                .as("the optional PSS pack is not bundled").noneMatch(name -> name.startsWith("pss-"));
    }

    @Test
    void anOptionalPackIsReadOnlyWhenNamed(@TempDir Path dir) throws Exception {
        Files.createDirectories(dir.resolve("pss/baseline"));
        Files.writeString(dir.resolve("pss/" + PolicyLoader.OPTIONAL_PACK), "optional");
        Files.writeString(dir.resolve("pss/baseline/a.yaml"), validating("a", "true"));
        Files.writeString(dir.resolve("b.yaml"), validating("b", "true"));
        assertThat(PolicyLoader.readDirectory(dir)).extracting(PolicySource::name).containsExactly(dir.resolve("b.yaml").toString());
        assertThat(PolicyLoader.readDirectory(dir.resolve("pss"))).extracting(PolicySource::name)
                .containsExactly(dir.resolve("pss/baseline/a.yaml").toString());
    }

    @Test
    void theRepositorysDefaultPackLeavesThePssPackOut() throws Exception {
        assertThat(PolicyLoader.readDirectory(Path.of("policies"))).extracting(PolicySource::name).noneMatch(name -> name.contains("pss"));
        assertThat(loader.load(PolicyLoader.readDirectory(Path.of("policies/pss")), "pss").validating())
                .extracting(CompiledPolicy::name).hasSize(17).allMatch(name -> name.startsWith("pss-"));
    }

    @Test
    void aReloadCompilesOnlyWhatChangedAndARefusedOneKeepsThePrograms() throws Exception {
        String kept = validating("kept", "true");
        String changing = validating("changing", "object.metadata.name != '%s'");
        PolicySet first = loader.load(List.of(new PolicySource("p.yaml", kept + "---\n" + changing.formatted("one"))), "test");
        PolicySet second = loader.load(List.of(new PolicySource("p.yaml", kept + "---\n" + changing.formatted("two"))), "test");
        assertThat(program(second, "kept")).isSameAs(program(first, "kept"));
        assertThat(program(second, "changing")).isNotSameAs(program(first, "changing"));
        assertThat(program(second, "changing").source()).isEqualTo("object.metadata.name != 'two'");

        failure(kept + "---\n" + changing.formatted("two") + "---\n" + validating("broken", "1 +"));
        PolicySet third = loader.load(List.of(new PolicySource("p.yaml", kept + "---\n" + changing.formatted("two"))), "test");
        assertThat(program(third, "changing")).isSameAs(program(second, "changing"));
    }

    @Test
    void policiesThatShareAnExpressionShareItsProgram() throws Exception {
        PolicySet set = loader.load(List.of(new PolicySource("p.yaml", validating("one", "true") + "---\n" + validating("two", "true"))), "test");
        assertThat(program(set, "two")).isSameAs(program(set, "one"));
    }

    private static dev.harbormaster.cel.CelExpression program(PolicySet set, String policy) {
        return set.validating().stream().filter(p -> p.name().equals(policy)).findFirst().orElseThrow().validations().get(0).expression();
    }

    /** Found by the soak: a reload listed a temporary file that was renamed over a policy before it was read. */
    @Test
    void aFileRenamedAwayWhileTheDirectoryIsReadIsPassedOver(@TempDir Path dir) throws Exception {
        Path policy = dir.resolve("p.yaml");
        Files.writeString(policy, validating("p", "true"));
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread writer = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    Path next = dir.resolve(".next-" + (i % 4) + ".yaml");
                    Files.writeString(next, validating("p", "true"));
                    Files.move(next, policy, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        writer.start();
        try {
            for (int i = 0; i < 3_000; i++) {
                assertThat(PolicyLoader.readDirectory(dir)).extracting(PolicySource::name).containsExactly(policy.toString());
            }
        } finally {
            stop.set(true);
            writer.join();
        }
    }
}
