package dev.harbormaster.cel;

import static dev.cel.common.CelFunctionDecl.newFunctionDeclaration;
import static dev.cel.common.CelOverloadDecl.newGlobalOverload;
import static dev.cel.common.CelOverloadDecl.newMemberOverload;

import dev.cel.checker.CelCheckerBuilder;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompilerLibrary;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import dev.cel.runtime.CelRuntimeBuilder;
import dev.cel.runtime.CelRuntimeLibrary;
import dev.harbormaster.cluster.ClusterUnavailable;
import dev.harbormaster.cluster.ClusterView;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Harbormaster's own CEL functions: reach the pod template of any workload kind, parse image
 * references, match label selectors, look up PodDisruptionBudgets, HorizontalPodAutoscalers and
 * workloads in the {@code cluster} (the ClusterView), and build JSONPatch paths ({@code workload.podSpecPointer}; {@code jsonpatch.escapeKey} is
 * Kubernetes' own, in {@link KubernetesLibrary}). They take {@code object} as it arrives, so one policy covers
 * Pods, Deployments, ReplicaSets, StatefulSets, DaemonSets, Jobs and CronJobs alike; on an object
 * without a pod template they return empty values rather than failing.
 */
public final class HarbormasterLibrary implements CelCompilerLibrary, CelRuntimeLibrary {

    static final CelType IMAGE = OpaqueType.create("harbormaster.Image");
    /** The type of the {@code cluster} variable: the ClusterView, read through member functions. */
    public static final CelType CLUSTER = OpaqueType.create("harbormaster.Cluster");
    private static final CelType MAP = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final CelType LIST = ListType.create(SimpleType.DYN);

    @Override
    public void setCheckerOptions(CelCheckerBuilder checker) {
        checker.addFunctionDeclarations(
                newFunctionDeclaration("workload.podSpec", newGlobalOverload("workload_podSpec", MAP, SimpleType.DYN)),
                newFunctionDeclaration("workload.podSpecPath", newGlobalOverload("workload_podSpecPath", SimpleType.STRING, SimpleType.DYN)),
                newFunctionDeclaration("workload.podSpecPointer", newGlobalOverload("workload_podSpecPointer", SimpleType.STRING, SimpleType.DYN)),
                newFunctionDeclaration("workload.podLabels", newGlobalOverload("workload_podLabels", MAP, SimpleType.DYN)),
                newFunctionDeclaration("workload.containers", newGlobalOverload("workload_containers", LIST, SimpleType.DYN)),
                newFunctionDeclaration("workload.initContainers", newGlobalOverload("workload_initContainers", LIST, SimpleType.DYN)),
                newFunctionDeclaration("workload.ephemeralContainers", newGlobalOverload("workload_ephemeralContainers", LIST, SimpleType.DYN)),
                newFunctionDeclaration("workload.allContainers", newGlobalOverload("workload_allContainers", LIST, SimpleType.DYN)),
                newFunctionDeclaration("image", newGlobalOverload("image_string", IMAGE, SimpleType.STRING)),
                newFunctionDeclaration("isImage", newGlobalOverload("isImage_string", SimpleType.BOOL, SimpleType.STRING)),
                newFunctionDeclaration("image.invalidReason", newGlobalOverload("image_invalidReason_string", SimpleType.STRING, SimpleType.STRING)),
                newFunctionDeclaration("workload.podAnnotations", newGlobalOverload("workload_podAnnotations", MAP, SimpleType.DYN)),
                newFunctionDeclaration("workload.containerPath", newGlobalOverload("workload_containerPath", SimpleType.STRING, SimpleType.DYN, SimpleType.STRING)),
                newFunctionDeclaration("workload.annotation",
                        newGlobalOverload("workload_annotation", SimpleType.STRING, SimpleType.DYN, SimpleType.DYN, SimpleType.STRING)),
                newFunctionDeclaration("workload.preStopSleepSeconds", newGlobalOverload("workload_preStopSleepSeconds", SimpleType.INT, SimpleType.DYN)),
                newFunctionDeclaration("disruptionsAllowed", newGlobalOverload("disruptionsAllowed_dyn_int", SimpleType.INT, SimpleType.DYN, SimpleType.INT)),
                newFunctionDeclaration("name", newMemberOverload("image_name", SimpleType.STRING, IMAGE)),
                newFunctionDeclaration("familiarName", newMemberOverload("image_familiarName", SimpleType.STRING, IMAGE)),
                newFunctionDeclaration("registry", newMemberOverload("image_registry", SimpleType.STRING, IMAGE)),
                newFunctionDeclaration("repository", newMemberOverload("image_repository", SimpleType.STRING, IMAGE)),
                newFunctionDeclaration("tag", newMemberOverload("image_tag", SimpleType.STRING, IMAGE)),
                newFunctionDeclaration("digest", newMemberOverload("image_digest", SimpleType.STRING, IMAGE)),
                newFunctionDeclaration("hasTag", newMemberOverload("image_hasTag", SimpleType.BOOL, IMAGE)),
                newFunctionDeclaration("hasDigest", newMemberOverload("image_hasDigest", SimpleType.BOOL, IMAGE)),
                newFunctionDeclaration("isLatest", newMemberOverload("image_isLatest", SimpleType.BOOL, IMAGE)),
                newFunctionDeclaration("selects", newGlobalOverload("selects_map_map", SimpleType.BOOL, SimpleType.DYN, SimpleType.DYN)),
                newFunctionDeclaration("podDisruptionBudgets", newMemberOverload("cluster_podDisruptionBudgets", LIST, CLUSTER, SimpleType.STRING)),
                newFunctionDeclaration("horizontalPodAutoscalers", newMemberOverload("cluster_horizontalPodAutoscalers", LIST, CLUSTER, SimpleType.STRING)),
                newFunctionDeclaration("workloads", newMemberOverload("cluster_workloads", LIST, CLUSTER, SimpleType.STRING)),
                newFunctionDeclaration("serverVersion", newMemberOverload("cluster_serverVersion", SimpleType.STRING, CLUSTER)));
    }

    @Override
    public void setRuntimeOptions(CelRuntimeBuilder runtime) {
        // Parts of the object and cluster objects go back as CelViews, which the planner does not walk.
        runtime.addFunctionBindings(
                CelFunctionBinding.from("workload_podSpec", Object.class, object -> CelViews.of(orEmpty(Workloads.podSpec(object)))),
                CelFunctionBinding.from("workload_podSpecPath", Object.class, Workloads::podSpecPath),
                CelFunctionBinding.from("workload_podSpecPointer", Object.class, object -> "/" + Workloads.podSpecPath(object).replace('.', '/')),
                CelFunctionBinding.from("workload_podLabels", Object.class, object -> CelViews.of(orEmpty(Workloads.podLabels(object)))),
                CelFunctionBinding.from("workload_containers", Object.class, object -> CelViews.of(Workloads.containers(object, "containers"))),
                CelFunctionBinding.from("workload_initContainers", Object.class, object -> CelViews.of(Workloads.containers(object, "initContainers"))),
                CelFunctionBinding.from("workload_ephemeralContainers", Object.class,
                        object -> CelViews.of(Workloads.containers(object, "ephemeralContainers"))),
                CelFunctionBinding.from("workload_allContainers", Object.class, object -> CelViews.of(allContainers(object))),
                CelFunctionBinding.from("image_string", String.class, HarbormasterLibrary::image),
                CelFunctionBinding.from("isImage_string", String.class, ref -> ImageReference.invalidReason(ref).isEmpty()),
                CelFunctionBinding.from("image_invalidReason_string", String.class, ref -> ImageReference.invalidReason(ref).orElse("")),
                CelFunctionBinding.from("workload_podAnnotations", Object.class, object -> CelViews.of(orEmpty(Workloads.podAnnotations(object)))),
                CelFunctionBinding.from("workload_containerPath", Object.class, String.class, Workloads::containerPath),
                CelFunctionBinding.from("workload_annotation", List.of(Object.class, Object.class, String.class),
                        args -> Workloads.annotation(args[0], args[1], (String) args[2])),
                CelFunctionBinding.from("workload_preStopSleepSeconds", Object.class, Workloads::preStopSleepSeconds),
                CelFunctionBinding.from("disruptionsAllowed_dyn_int", Object.class, Long.class, HarbormasterLibrary::disruptionsAllowed),
                imageMember("image_name", ImageReference::name),
                imageMember("image_familiarName", ImageReference::familiarName),
                imageMember("image_registry", ImageReference::registry),
                imageMember("image_repository", ImageReference::repository),
                imageMember("image_tag", ImageReference::tag),
                imageMember("image_digest", ImageReference::digest),
                imageTest("image_hasTag", ImageReference::hasTag),
                imageTest("image_hasDigest", ImageReference::hasDigest),
                imageTest("image_isLatest", ImageReference::isLatest),
                CelFunctionBinding.from("selects_map_map", Object.class, Object.class, HarbormasterLibrary::selects),
                clusterLookup("cluster_podDisruptionBudgets", ClusterView::podDisruptionBudgets),
                clusterLookup("cluster_horizontalPodAutoscalers", ClusterView::horizontalPodAutoscalers),
                clusterLookup("cluster_workloads", ClusterView::workloads),
                // The version is a hint, not a lookup: unknown is "", and callers choose their default.
                CelFunctionBinding.from("cluster_serverVersion", ClusterView.class, view -> view.serverVersion().orElse("")));
    }

    private static Map<String, Object> orEmpty(Map<String, Object> map) {
        return map == null ? Map.of() : map;
    }

    private static List<Object> allContainers(Object object) {
        List<Object> all = new ArrayList<>(Workloads.containers(object, "containers"));
        all.addAll(Workloads.containers(object, "initContainers"));
        all.addAll(Workloads.containers(object, "ephemeralContainers"));
        return all;
    }

    private static ImageReference image(String reference) throws CelEvaluationException {
        try {
            return ImageReference.parse(reference);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException("image(): " + e.getMessage());
        }
    }

    private static CelFunctionBinding imageMember(String overload, Function<ImageReference, String> part) {
        return CelFunctionBinding.from(overload, ImageReference.class, part::apply);
    }

    private static CelFunctionBinding imageTest(String overload, Predicate<ImageReference> test) {
        return CelFunctionBinding.from(overload, ImageReference.class, test::test);
    }

    /** A lookup that refuses to answer from a view that cannot speak for the cluster. */
    private static CelFunctionBinding clusterLookup(String overload, BiFunction<ClusterView, String, List<Map<String, Object>>> lookup) {
        return CelFunctionBinding.from(overload, ClusterView.class, String.class, (view, namespace) -> {
            view.unavailable().ifPresent(reason -> {
                throw new ClusterUnavailable(reason);
            });
            return CelViews.of(lookup.apply(view, namespace));
        });
    }

    @SuppressWarnings("unchecked")
    private static long disruptionsAllowed(Object pdb, Long replicas) throws CelEvaluationException {
        try {
            return Disruptions.allowed(pdb instanceof Map<?, ?> map ? (Map<String, Object>) map : Map.of(), replicas);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException("disruptionsAllowed(): " + e.getMessage());
        }
    }

    private static boolean selects(Object selector, Object labels) throws CelEvaluationException {
        try {
            return LabelSelectors.matches(selector, labels);
        } catch (IllegalArgumentException e) {
            throw new CelEvaluationException("selects(): " + e.getMessage());
        }
    }
}
