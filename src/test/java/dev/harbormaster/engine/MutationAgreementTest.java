package dev.harbormaster.engine;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.harbormaster.audit.ManifestInput;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import io.fabric8.zjsonpatch.JsonPatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Mutation and validation agree: every object in the default pack's test cases, once mutated by
 * the whole pack, is never denied by termination-budget, the patch turns the object sent into the
 * object returned, and mutating the result again changes nothing.
 */
class MutationAgreementTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TestFactory
    Stream<DynamicTest> everyPackTestObjectPassesTerminationBudgetOnceMutated() throws Exception {
        PolicySet pack = new PolicyLoader(new CelEnvironment()).load(PolicyLoader.readDirectory(Path.of("policies")), "pack");
        Engine engine = new Engine(Engine.Mode.ENFORCE);
        List<DynamicTest> tests = new ArrayList<>();
        for (Path file : PolicyLoader.readDirectory(Path.of("policies")).stream().map(s -> Path.of(s.name())).toList()) {
            for (JsonNode document : YAML.readValues(YAML.getFactory().createParser(Files.readString(file)), JsonNode.class).readAll()) {
                for (JsonNode testCase : document.path("spec").path("cases")) {
                    JsonNode object = testCase.path("object");
                    if (!object.isObject()) {
                        continue;
                    }
                    tests.add(DynamicTest.dynamicTest(file.getFileName() + ": " + testCase.path("name").asText(), () -> {
                        @SuppressWarnings("unchecked")
                        AdmissionInput input = ManifestInput.of("CREATE", (Map<String, Object>) CelJson.fromJson(object), null, "default", null, false);
                        Verdict mutation = engine.mutate(input, pack, ClusterView.OFFLINE);
                        if (mutation.mutatedObject() != null) {
                            // Compared as JSON text: the YAML reader makes int nodes, CEL long ones.
                            assertThat(JsonPatch.apply(mutation.patch(), object).toString()).isEqualTo(CelJson.toJson(mutation.mutatedObject()).toString());
                        } else {
                            assertThat(mutation.patch()).as("no change, no patch").isNull();
                        }
                        AdmissionInput mutated = mutation.mutatedObject() == null ? input : input.withObject(mutation.mutatedObject());
                        assertThat(engine.evaluate(mutated, pack, ClusterView.OFFLINE).results())
                                .noneMatch(r -> r.policy().equals("termination-budget") && r.outcome() == PolicyResult.Outcome.VIOLATION);
                        assertThat(engine.mutate(mutated, pack, ClusterView.OFFLINE).patch()).as("a second pass").isNull();
                    }));
                }
            }
        }
        assertThat(tests).hasSizeGreaterThan(50);
        return tests.stream();
    }
}
