package dev.harbormaster.intree;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySource;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** {@code harbormaster export vap} over the default pack: what lowers, what does not and why, and that the files are valid VAP/MAP. */
class ExportTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper MODEL = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    /** kube-apiserver's bound on an audit annotation's valueExpression (5 KiB). */
    private static final int MAX_AUDIT_VALUE_EXPRESSION = 5 * 1024;

    private static Export.Exported export(String directory) throws Exception {
        List<PolicySource> sources = PolicyLoader.readDirectory(Path.of(directory));
        new PolicyLoader(new CelEnvironment()).load(sources, directory);
        return Export.export(sources);
    }

    @Test
    void theDefaultPackLowersAllButThePoliciesThatReadTheCluster() throws Exception {
        Export.Exported exported = export("policies");
        Map<String, String> refused = exported.results().stream().filter(r -> !r.lowered())
                .collect(Collectors.toMap(Lowering.Result::policy, Lowering.Result::refusal, (a, b) -> a, TreeMap::new));
        List<String> lowered = exported.results().stream().filter(Lowering.Result::lowered).map(Lowering.Result::policy).sorted().toList();
        assertThat(lowered).containsExactly("disallow-latest-tag", "image-pull-policy", "probe-sanity", "raise-termination-grace",
                "require-probes", "require-requests", "termination-budget");
        assertThat(refused.keySet()).containsExactly("inject-prestop", "pdb-hpa-sanity", "pdb-sanity", "require-pdb",
                "require-pdb-on-create", "require-requests-for-hpa");
        assertThat(refused.values()).allSatisfy(reason -> assertThat(reason).contains("reads the cluster (cluster.*)"));
        assertThat(exported.files()).containsKeys("validating/disallow-latest-tag.yaml", "mutating/raise-termination-grace.yaml",
                "crds/policyparams.yaml", Export.REPORT).doesNotContainKey("validating/require-pdb.yaml");
        JsonNode report = YAML.readTree(exported.files().get(Export.REPORT));
        assertThat(report.path("notLowered").findValuesAsText("policy")).containsExactlyElementsOf(refused.keySet());
    }

    @Test
    void theOptionalPssPacksLowerWhole() throws Exception {
        for (String pack : List.of("policies/pss/baseline", "policies/pss/restricted")) {
            assertThat(export(pack).results()).as(pack).isNotEmpty().allSatisfy(r -> assertThat(r.refusal()).as(r.policy()).isNull());
        }
    }

    /**
     * Every document export writes parses strictly as fabric8's admissionregistration model
     * (v1 for VAP, v1beta1 for MAP): a field the API does not have lands in a model class's
     * additionalProperties, which must stay empty everywhere in the tree.
     */
    @Test
    void everyLoweredDocumentIsAValidAdmissionRegistrationObject() throws Exception {
        Map<String, Class<? extends KubernetesResource>> kinds = Map.of(
                "ValidatingAdmissionPolicy", io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy.class,
                "ValidatingAdmissionPolicyBinding", io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding.class,
                "MutatingAdmissionPolicy", io.fabric8.kubernetes.api.model.admissionregistration.v1beta1.MutatingAdmissionPolicy.class,
                "MutatingAdmissionPolicyBinding", io.fabric8.kubernetes.api.model.admissionregistration.v1beta1.MutatingAdmissionPolicyBinding.class,
                "CustomResourceDefinition", io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition.class);
        int checked = 0;
        for (String pack : List.of("policies", "policies/pss/baseline", "policies/pss/restricted")) {
            for (Map.Entry<String, String> file : export(pack).files().entrySet()) {
                if (file.getKey().equals(Export.REPORT)) {
                    continue;
                }
                for (JsonNode document : documents(file.getValue())) {
                    String kind = document.path("kind").asText();
                    if (kind.equals(Lowering.PARAMS_KIND)) {
                        assertThat(document.path("apiVersion").asText()).isEqualTo(Lowering.PARAMS_API_VERSION);
                        continue;
                    }
                    assertThat(kinds).as(file.getKey()).containsKey(kind);
                    Object model = MODEL.treeToValue(document, kinds.get(kind));
                    List<String> unknown = new ArrayList<>();
                    unknownFields(model, kind, unknown);
                    assertThat(unknown).as(file.getKey() + " " + kind).isEmpty();
                    String expected = kind.startsWith("Mutating") ? Lowering.MAP_API_VERSION : kind.startsWith("Validating") ? Lowering.VAP_API_VERSION
                            : "apiextensions.k8s.io/v1";
                    assertThat(document.path("apiVersion").asText()).isEqualTo(expected);
                    for (JsonNode annotation : document.at("/spec/auditAnnotations")) {
                        assertThat(annotation.path("valueExpression").asText().length()).isLessThanOrEqualTo(MAX_AUDIT_VALUE_EXPRESSION);
                    }
                    for (JsonNode validation : document.at("/spec/validations")) {
                        assertThat(validation.path("message").asText()).as("kube-apiserver refuses line breaks in a message").doesNotContain("\n");
                    }
                    checked++;
                }
            }
        }
        assertThat(checked).isGreaterThan(50);
    }

    private static List<JsonNode> documents(String yaml) throws Exception {
        List<JsonNode> documents = new ArrayList<>();
        try (YAMLParser parser = (YAMLParser) YAML.getFactory().createParser(yaml)) {
            YAML.readValues(parser, JsonNode.class).forEachRemaining(documents::add);
        }
        return documents;
    }

    /** Walks fabric8 model objects through their getters, collecting every non-empty additionalProperties. */
    private static void unknownFields(Object value, String path, List<String> unknown) throws Exception {
        if (value == null || !value.getClass().getName().startsWith("io.fabric8.kubernetes.api.model")) {
            if (value instanceof Collection<?> list) {
                int i = 0;
                for (Object item : list) {
                    unknownFields(item, path + "[" + i++ + "]", unknown);
                }
            }
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || !getter.getName().startsWith("get") || getter.getName().equals("getClass")) {
                continue;
            }
            Object field = getter.invoke(value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.add(path + ": " + extra.keySet());
                }
                continue;
            }
            unknownFields(field, path + "." + getter.getName().substring(3), unknown);
        }
    }
}
