package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.restassured.path.json.JsonPath;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** With harbormaster.admission.in-tree-policies, the webhook leaves those policies to kube-apiserver and judges the rest. */
class InTreePoliciesTest {

    /** The default pack's lowered validating policies (charts/harbormaster/in-tree/report.yaml). */
    private static final Set<String> LOWERED = Set.of("disallow-latest-tag", "image-pull-policy", "probe-sanity", "require-probes",
            "require-requests", "termination-budget");

    private static JsonPath validate(InProcessDoors doors, String review) {
        return new JsonPath(InProcessDoors.text(doors.answer("validate", Fixtures.review(review))));
    }

    @Test
    void aDeploymentStillSentForRequirePdbIsNotJudgedTwiceForItsLatestTag() {
        JsonPath everything = validate(new InProcessDoors(), "deployment-create-latest");
        assertThat(everything.getString("response.status.message")).contains("disallow-latest-tag");

        JsonPath webhookOnly = validate(new InProcessDoors(LOWERED), "deployment-create-latest");
        // kube-apiserver's VAP judges the tag; the webhook answers for the policies only it can run.
        String said = webhookOnly.getString("response.status.message") + " " + webhookOnly.getList("response.warnings");
        assertThat(said).doesNotContain("disallow-latest-tag").doesNotContain("require-probes");
        assertThat(said).contains("require-pdb");
    }
}
