package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import org.junit.jupiter.api.Test;

/** The decision log's line for a request that is not a plain allow: what a log pipeline parses. */
class DecisionLineTest {

    @Test
    void aDeniedRequestsLineNamesTheRequestAndEachFinding() throws Exception {
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readBundled(), "pack");
        AdmissionInput input = AdmissionReviewCodec.decode(Fixtures.review("deployment-create-latest"));
        Verdict verdict = new Engine(Engine.Mode.ENFORCE).evaluate(input, pack, ClusterView.OFFLINE);

        JsonNode line = new ObjectMapper().readTree(DecisionRecorder.line("validate", input, verdict));

        assertThat(line.path("door").asText()).isEqualTo("validate");
        assertThat(line.path("uid").asText()).isEqualTo(input.uid());
        assertThat(line.path("operation").asText()).isEqualTo("CREATE");
        assertThat(line.path("kind").asText()).isEqualTo("Deployment");
        assertThat(line.path("name").asText()).isEqualTo("web-latest");
        assertThat(line.path("allowed").asBoolean(true)).isFalse();
        assertThat(line.path("results")).anySatisfy(result -> {
            assertThat(result.path("policy").asText()).isEqualTo("disallow-latest-tag");
            assertThat(result.path("outcome").asText()).isEqualTo("violation");
            assertThat(result.path("action").asText()).isEqualTo("Deny");
            assertThat(result.path("message").asText()).contains("nginx:latest");
        });
        assertThat(line.path("results")).allSatisfy(result -> assertThat(result.path("outcome").asText()).isNotEqualTo("pass"));
    }
}
