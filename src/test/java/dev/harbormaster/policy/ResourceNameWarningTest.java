package dev.harbormaster.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.harbormaster.cel.CelEnvironment;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rule on {@code resources: [pod]} loads and silently never matches: kube-apiserver sends
 * {@code pods}. The load warns, with the name probably meant, unless the rule targets a CRD.
 */
class ResourceNameWarningTest {

    private final PolicyLoader loader = new PolicyLoader(new CelEnvironment());

    private static String policy(String groups, String resources) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: p}
                spec:
                  validationActions: [Deny]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: %s, apiVersions: ["*"], operations: [CREATE], resources: %s}
                  validations:
                  - expression: "true"
                """.formatted(groups, resources);
    }

    private List<String> warnings(String groups, String resources) throws Exception {
        return loader.load(List.of(new PolicySource("p.yaml", policy(groups, resources))), "test").warnings();
    }

    @Test
    void aSingularBuiltInResourceWarnsWithThePluralMeant() throws Exception {
        assertThat(warnings("[\"\"]", "[pod]")).singleElement().asString()
                .startsWith("p.yaml (document 1, line 8), policy p, spec.matchConstraints.resourceRules[0].resources: 'pod' is not a resource")
                .endsWith("did you mean 'pods'?");
    }

    @Test
    void kindsTyposAndSubresourcesAreCaughtToo() throws Exception {
        assertThat(warnings("[apps]", "[Deployment, statefulset/scale, daemonsets]"))
                .hasSize(2)
                .anySatisfy(w -> assertThat(w).endsWith("did you mean 'deployments'?"))
                .anySatisfy(w -> assertThat(w).endsWith("did you mean 'statefulsets/scale'?"));
        assertThat(warnings("[policy]", "[poddisruptionbudget]")).singleElement().asString().endsWith("did you mean 'poddisruptionbudgets'?");
        assertThat(warnings("[\"\"]", "[sevrices]")).singleElement().asString().endsWith("did you mean 'services'?");
    }

    @Test
    void aResourceInTheWrongBuiltInGroupWarnsWithoutAGuessWhenNoneIsClose() throws Exception {
        assertThat(warnings("[apps]", "[jobs]")).singleElement().asString()
                .contains("'jobs' is not a resource of the built-in API groups [\"apps\"], so this rule never matches it")
                .doesNotContain("did you mean");
    }

    @Test
    void knownPluralsWildcardsAndCrdsDoNotWarn() throws Exception {
        assertThat(warnings("[\"\", apps]", "[pods, pods/status, pods/*, deployments, \"*\", \"*/scale\"]")).isEmpty();
        assertThat(warnings("[example.com]", "[widget]")).as("a CRD's group is not second-guessed").isEmpty();
        assertThat(warnings("[apps, example.com]", "[widget]")).as("nor a rule that names one").isEmpty();
        assertThat(warnings("[\"*\"]", "[widgets]")).as("any group: the resource may be a CRD's").isEmpty();
        assertThat(warnings("[\"*\"]", "[pod]")).as("any group, but a near miss of a built-in name").singleElement()
                .asString().endsWith("did you mean 'pods'?");
    }

    @Test
    void theDefaultPackLoadsWithoutWarnings() throws Exception {
        assertThat(loader.load(PolicyLoader.readDirectory(java.nio.file.Path.of("policies")), "pack").warnings()).isEmpty();
    }
}
