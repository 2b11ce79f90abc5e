package dev.harbormaster.audit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.engine.Admission;
import dev.harbormaster.engine.AdmissionInput;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicySet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Evaluates manifests as the cluster would admit them: mutations first, then validations of the
 * mutated object, through the same engine as the webhook. Used by the CLI (where the objects given
 * form the cluster the rules look up: a Deployment and its PDB rendered by one {@code helm template}
 * see each other, as they will once applied) and by the background audit (the real cluster).
 */
public final class ManifestAudit {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER).enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /**
     * One object's result.
     *
     * @param operation        CREATE, or UPDATE when an old version was given
     * @param validation       the verdict on the mutated object (the one the cluster would store)
     * @param passesOnlyAfterMutation true when the object as written would be denied, and is allowed once mutated
     * @param diff             the mutation as a unified diff of the YAML, or "" when nothing changed
     */
    public record ObjectReport(Manifest manifest, String operation, Verdict mutation, Verdict validation,
                               boolean passesOnlyAfterMutation, String diff) {

        public boolean allowed() {
            return mutation.allowed() && validation.allowed();
        }
    }

    private final Engine engine;
    private final PolicySet policies;

    public ManifestAudit(Engine engine, PolicySet policies) {
        this.engine = engine;
        this.policies = policies;
    }

    /**
     * A cluster made of the objects given and what else the cluster is said to hold, as they will be
     * once applied together.
     */
    public static ClusterView clusterOf(List<Manifest> objects, List<Manifest> clusterState) {
        List<Map<String, Object>> all = new ArrayList<>();
        clusterState.forEach(m -> all.add(m.object()));
        objects.forEach(m -> all.add(m.object()));
        return new StaticClusterView(all, null);
    }

    /**
     * @param oldObjects earlier versions: an object with one of the same kind, namespace and name is checked as an UPDATE
     * @param cluster    what the rules that look up the cluster see
     */
    public List<ObjectReport> audit(List<Manifest> objects, List<Manifest> oldObjects, ClusterView cluster) {
        List<ObjectReport> reports = new ArrayList<>();
        for (Manifest manifest : objects) {
            Map<String, Object> old = oldObjects.stream().filter(o -> sameObject(o, manifest)).map(Manifest::object).findFirst().orElse(null);
            String operation = old == null ? "CREATE" : "UPDATE";
            AdmissionInput input = ManifestInput.of(operation, manifest.object(), old, "default", null, false);
            Admission admission = engine.admit(input, policies, cluster);
            Verdict mutation = admission.mutation();
            boolean onlyAfterMutation = mutation.mutatedObject() != null && admission.validation().allowed()
                    && !engine.evaluate(input, policies, cluster).allowed();
            String diff = mutation.mutatedObject() == null ? "" : diff(manifest, mutation.mutatedObject());
            reports.add(new ObjectReport(manifest, operation, mutation, admission.validation(), onlyAfterMutation, diff));
        }
        return reports;
    }

    private static boolean sameObject(Manifest a, Manifest b) {
        return a.kind().equals(b.kind()) && a.name().equals(b.name()) && a.namespace().equals(b.namespace());
    }

    private static String diff(Manifest manifest, Map<String, Object> mutated) {
        try {
            List<String> before = List.of(YAML.writeValueAsString(CelJson.toJson(manifest.object())).split("\n"));
            List<String> after = List.of(YAML.writeValueAsString(CelJson.toJson(mutated)).split("\n"));
            return String.join("\n", UnifiedDiffUtils.generateUnifiedDiff(manifest.where(), manifest.where() + " (mutated)",
                    before, DiffUtils.diff(before, after), 2));
        } catch (JsonProcessingException e) {
            return "";
        }
    }
}
