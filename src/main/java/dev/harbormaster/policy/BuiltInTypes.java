package dev.harbormaster.policy;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The types Kubernetes' built-in API groups serve (as of 1.30-1.34, GA and the betas still served):
 * apiVersion, kind and the resource rules name (lower-case plural; null for a kind that is no
 * resource of its own: a list, a subresource's body). The one table behind the loader's warning
 * about rule resources, the CLI's notice about a manifest's kind, and the metrics' kind label.
 */
public final class BuiltInTypes {

    record Type(String apiVersion, String kind, String resource) {
        String group() {
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }
    }

    private static final List<Type> TYPES = List.of(
            new Type("v1", "Pod", "pods"), new Type("v1", "Service", "services"), new Type("v1", "ConfigMap", "configmaps"),
            new Type("v1", "Secret", "secrets"), new Type("v1", "Namespace", "namespaces"), new Type("v1", "Node", "nodes"),
            new Type("v1", "PersistentVolume", "persistentvolumes"), new Type("v1", "PersistentVolumeClaim", "persistentvolumeclaims"),
            new Type("v1", "ServiceAccount", "serviceaccounts"), new Type("v1", "Endpoints", "endpoints"), new Type("v1", "Event", "events"),
            new Type("v1", "LimitRange", "limitranges"), new Type("v1", "ResourceQuota", "resourcequotas"),
            new Type("v1", "ReplicationController", "replicationcontrollers"), new Type("v1", "PodTemplate", "podtemplates"),
            new Type("v1", "Binding", "bindings"), new Type("v1", "ComponentStatus", "componentstatuses"), new Type("v1", "List", null),
            new Type("apps/v1", "Deployment", "deployments"), new Type("apps/v1", "StatefulSet", "statefulsets"),
            new Type("apps/v1", "DaemonSet", "daemonsets"), new Type("apps/v1", "ReplicaSet", "replicasets"),
            new Type("apps/v1", "ControllerRevision", "controllerrevisions"),
            new Type("batch/v1", "Job", "jobs"), new Type("batch/v1", "CronJob", "cronjobs"),
            new Type("policy/v1", "PodDisruptionBudget", "poddisruptionbudgets"), new Type("policy/v1", "Eviction", null),
            new Type("autoscaling/v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers"), new Type("autoscaling/v1", "Scale", null),
            new Type("autoscaling/v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"),
            new Type("networking.k8s.io/v1", "Ingress", "ingresses"), new Type("networking.k8s.io/v1", "IngressClass", "ingressclasses"),
            new Type("networking.k8s.io/v1", "NetworkPolicy", "networkpolicies"), new Type("networking.k8s.io/v1", "IPAddress", "ipaddresses"),
            new Type("networking.k8s.io/v1", "ServiceCIDR", "servicecidrs"),
            new Type("rbac.authorization.k8s.io/v1", "Role", "roles"), new Type("rbac.authorization.k8s.io/v1", "RoleBinding", "rolebindings"),
            new Type("rbac.authorization.k8s.io/v1", "ClusterRole", "clusterroles"),
            new Type("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", "clusterrolebindings"),
            new Type("storage.k8s.io/v1", "StorageClass", "storageclasses"), new Type("storage.k8s.io/v1", "VolumeAttachment", "volumeattachments"),
            new Type("storage.k8s.io/v1", "CSIDriver", "csidrivers"), new Type("storage.k8s.io/v1", "CSINode", "csinodes"),
            new Type("storage.k8s.io/v1", "CSIStorageCapacity", "csistoragecapacities"),
            new Type("storage.k8s.io/v1", "VolumeAttributesClass", "volumeattributesclasses"),
            new Type("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "validatingwebhookconfigurations"),
            new Type("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "mutatingwebhookconfigurations"),
            new Type("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicy", "validatingadmissionpolicies"),
            new Type("admissionregistration.k8s.io/v1", "ValidatingAdmissionPolicyBinding", "validatingadmissionpolicybindings"),
            new Type("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicy", "mutatingadmissionpolicies"),
            new Type("admissionregistration.k8s.io/v1beta1", "MutatingAdmissionPolicyBinding", "mutatingadmissionpolicybindings"),
            new Type("apiextensions.k8s.io/v1", "CustomResourceDefinition", "customresourcedefinitions"),
            new Type("apiregistration.k8s.io/v1", "APIService", "apiservices"),
            new Type("certificates.k8s.io/v1", "CertificateSigningRequest", "certificatesigningrequests"),
            new Type("certificates.k8s.io/v1beta1", "ClusterTrustBundle", "clustertrustbundles"),
            new Type("coordination.k8s.io/v1", "Lease", "leases"), new Type("coordination.k8s.io/v1beta1", "LeaseCandidate", "leasecandidates"),
            new Type("discovery.k8s.io/v1", "EndpointSlice", "endpointslices"),
            new Type("events.k8s.io/v1", "Event", "events"),
            new Type("node.k8s.io/v1", "RuntimeClass", "runtimeclasses"),
            new Type("scheduling.k8s.io/v1", "PriorityClass", "priorityclasses"),
            new Type("flowcontrol.apiserver.k8s.io/v1", "FlowSchema", "flowschemas"),
            new Type("flowcontrol.apiserver.k8s.io/v1", "PriorityLevelConfiguration", "prioritylevelconfigurations"),
            new Type("resource.k8s.io/v1", "ResourceClaim", "resourceclaims"),
            new Type("resource.k8s.io/v1", "ResourceClaimTemplate", "resourceclaimtemplates"),
            new Type("resource.k8s.io/v1", "DeviceClass", "deviceclasses"), new Type("resource.k8s.io/v1", "ResourceSlice", "resourceslices"),
            new Type("resource.k8s.io/v1beta2", "ResourceClaim", "resourceclaims"),
            new Type("resource.k8s.io/v1beta2", "ResourceClaimTemplate", "resourceclaimtemplates"),
            new Type("resource.k8s.io/v1beta2", "DeviceClass", "deviceclasses"),
            new Type("resource.k8s.io/v1beta2", "ResourceSlice", "resourceslices"),
            new Type("authentication.k8s.io/v1", "TokenReview", "tokenreviews"),
            new Type("authentication.k8s.io/v1", "SelfSubjectReview", "selfsubjectreviews"),
            new Type("authorization.k8s.io/v1", "SubjectAccessReview", "subjectaccessreviews"),
            new Type("authorization.k8s.io/v1", "SelfSubjectAccessReview", "selfsubjectaccessreviews"),
            new Type("authorization.k8s.io/v1", "LocalSubjectAccessReview", "localsubjectaccessreviews"),
            new Type("authorization.k8s.io/v1", "SelfSubjectRulesReview", "selfsubjectrulesreviews"));

    /** Kinds by apiVersion. */
    public static final Map<String, Set<String>> KINDS_BY_API_VERSION = TYPES.stream()
            .collect(Collectors.groupingBy(Type::apiVersion, Collectors.mapping(Type::kind, Collectors.toUnmodifiableSet())));

    /** Resources (plurals) by group, "" for the core group. */
    public static final Map<String, Set<String>> RESOURCES_BY_GROUP = TYPES.stream().filter(type -> type.resource() != null)
            .collect(Collectors.groupingBy(Type::group, Collectors.mapping(Type::resource, Collectors.toUnmodifiableSet())));

    /** Every built-in kind that is a resource of its own. */
    public static final Set<String> RESOURCE_KINDS = TYPES.stream().filter(type -> type.resource() != null).map(Type::kind)
            .collect(Collectors.toUnmodifiableSet());

    private BuiltInTypes() {
    }
}
