package dev.harbormaster.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.harbormaster.admission.AdmissionReviewCodec;
import dev.harbormaster.admission.BadAdmissionRequest;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.StaticClusterView;
import dev.harbormaster.engine.AdmissionInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The requests the benchmarks send: AdmissionReview bodies as kube-apiserver would send them, built
 * here so that their size is known (a Pod, a Deployment with 3 containers, a StatefulSet with 20,
 * a ConfigMap no policy matches), and the captured fixtures from ../shared.
 */
public final class Requests {

    private static final JsonNodeFactory N = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    public static final String NAMESPACE = "shop";

    private Requests() {
    }

    /** The AdmissionReview body of a benchmark case. */
    public static byte[] body(String name) {
        return switch (name) {
            case "pod" -> review("", "v1", "Pod", "pods", pod("web-0", 1, false));
            case "deployment", "deployment-offline" -> review("apps", "v1", "Deployment", "deployments", workload("Deployment", "web", 3, 3, false));
            case "deployment-denied" -> review("apps", "v1", "Deployment", "deployments", workload("Deployment", "web", 3, 3, true));
            case "statefulset20" -> review("apps", "v1", "StatefulSet", "statefulsets", workload("StatefulSet", "db", 20, 3, false));
            case "configmap" -> review("", "v1", "ConfigMap", "configmaps", configMap());
            // A captured review with "-offline" after its name: the same body, without a cluster.
            default -> fixture(name.endsWith("-offline") ? name.substring(0, name.length() - "-offline".length()) : name);
        };
    }

    /** A captured AdmissionReview from ../shared/fixtures/admission-reviews (copied into the jar). */
    public static byte[] fixture(String file) {
        String path = "/fixtures/" + (file.endsWith(".json") ? file : file + ".json");
        try (InputStream in = Requests.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no benchmark case or fixture named " + file);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static AdmissionInput input(String name) {
        try {
            return AdmissionReviewCodec.decode(body(name));
        } catch (BadAdmissionRequest e) {
            throw new IllegalStateException(name + ": " + e.getMessage(), e);
        }
    }

    /**
     * The cluster as a synced informer cache would show it: the namespace, a PDB that covers the
     * benchmark workloads (so the PDB rules evaluate their selectors and find it), and an API server version.
     * "deployment-offline" (and a captured review's name with "-offline" after it) runs without a cluster
     * (ClusterView.OFFLINE): those rules then warn "could not check".
     */
    @SuppressWarnings("unchecked")
    public static ClusterView cluster(String name) {
        if (name.endsWith("-offline")) {
            return ClusterView.OFFLINE;
        }
        ObjectNode namespace = N.objectNode().put("apiVersion", "v1").put("kind", "Namespace");
        namespace.putObject("metadata").put("name", NAMESPACE).putObject("labels").put("kubernetes.io/metadata.name", NAMESPACE);
        ObjectNode pdb = N.objectNode().put("apiVersion", "policy/v1").put("kind", "PodDisruptionBudget");
        pdb.putObject("metadata").put("name", "web").put("namespace", NAMESPACE);
        ObjectNode pdbSpec = pdb.putObject("spec").put("maxUnavailable", 1);
        pdbSpec.putObject("selector").putObject("matchLabels").put("app", "web");
        ObjectNode otherPdb = pdb.deepCopy();
        ((ObjectNode) otherPdb.get("metadata")).put("name", "db");
        ((ObjectNode) otherPdb.get("spec").get("selector").get("matchLabels")).put("app", "db");
        List<Map<String, Object>> objects = List.of(
                (Map<String, Object>) CelJson.fromJson(namespace),
                (Map<String, Object>) CelJson.fromJson(pdb),
                (Map<String, Object>) CelJson.fromJson(otherPdb));
        return new StaticClusterView(objects, "1.34");
    }

    private static byte[] review(String group, String version, String kind, String resource, ObjectNode object) {
        ObjectNode review = N.objectNode().put("kind", "AdmissionReview").put("apiVersion", "admission.k8s.io/v1");
        ObjectNode request = review.putObject("request");
        request.put("uid", "3f9c2a8e-5b1d-4c7e-9a0f-1e2d3c4b5a69");
        request.putObject("kind").put("group", group).put("version", version).put("kind", kind);
        request.putObject("resource").put("group", group).put("version", version).put("resource", resource);
        request.set("requestKind", request.get("kind").deepCopy());
        request.set("requestResource", request.get("resource").deepCopy());
        request.put("name", object.get("metadata").get("name").asText());
        request.put("namespace", NAMESPACE);
        request.put("operation", "CREATE");
        ObjectNode user = request.putObject("userInfo").put("username", "system:serviceaccount:ci:deployer")
                .put("uid", "0b7e9f5a-2c41-4d7b-8e3f-6a1c9d2e4f70");
        user.putArray("groups").add("system:serviceaccounts").add("system:serviceaccounts:ci").add("system:authenticated");
        request.set("object", object);
        request.putNull("oldObject");
        request.put("dryRun", false);
        request.putObject("options").put("kind", "CreateOptions").put("apiVersion", "meta.k8s.io/v1").put("fieldManager", "kubectl-client-side-apply");
        try {
            return JSON.writeValueAsBytes(review);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode metadata(ObjectNode object, String name, String app) {
        ObjectNode metadata = object.putObject("metadata").put("name", name).put("namespace", NAMESPACE)
                .put("uid", "7c0d2b4e-9f3a-4e61-b8d5-2a7c1e9f0b36").put("creationTimestamp", "2026-11-21T21:09:42Z");
        metadata.putObject("labels").put("app", app).put("app.kubernetes.io/part-of", "shop").put("team", "checkout");
        metadata.putObject("annotations").put("deployment.kubernetes.io/revision", "1").put("example.com/owner", "checkout");
        return metadata;
    }

    private static ObjectNode container(int i, String app, boolean bad) {
        ObjectNode c = N.objectNode().put("name", i == 0 ? app : app + "-sidecar-" + i)
                .put("image", bad && i == 0 ? "registry.example.com/shop/" + app + ":latest"
                        : "registry.example.com/shop/" + app + "-" + i + ":1.4." + i)
                .put("imagePullPolicy", "IfNotPresent");
        c.putArray("args").add("--port=" + (8080 + i)).add("--log-format=json");
        c.putArray("ports").addObject().put("name", "http").put("containerPort", 8080 + i).put("protocol", "TCP");
        ArrayNode env = c.putArray("env");
        env.addObject().put("name", "LOG_LEVEL").put("value", "info");
        env.addObject().put("name", "POD_NAME").putObject("valueFrom").putObject("fieldRef").put("fieldPath", "metadata.name");
        ObjectNode resources = c.putObject("resources");
        resources.putObject("requests").put("cpu", "100m").put("memory", "128Mi");
        resources.putObject("limits").put("cpu", "500m").put("memory", "256Mi");
        if (!bad) {
            ObjectNode liveness = c.putObject("livenessProbe");
            liveness.putObject("httpGet").put("path", "/healthz").put("port", 8080 + i);
            liveness.put("periodSeconds", 10).put("timeoutSeconds", 1).put("failureThreshold", 3);
            ObjectNode readiness = c.putObject("readinessProbe");
            readiness.putObject("httpGet").put("path", "/ready").put("port", 8080 + i);
            readiness.put("periodSeconds", 5).put("timeoutSeconds", 1).put("failureThreshold", 3);
            c.putObject("lifecycle").putObject("preStop").putObject("sleep").put("seconds", 10);
        }
        c.putArray("volumeMounts").addObject().put("name", "config").put("mountPath", "/etc/" + app).put("readOnly", true);
        c.put("terminationMessagePath", "/dev/termination-log").put("terminationMessagePolicy", "File");
        return c;
    }

    private static ObjectNode podSpec(ObjectNode spec, String app, int containers, boolean bad) {
        ArrayNode list = spec.putArray("containers");
        for (int i = 0; i < containers; i++) {
            list.add(container(i, app, bad));
        }
        spec.putArray("volumes").addObject().put("name", "config").putObject("configMap").put("name", app + "-config");
        spec.put("restartPolicy", "Always").put("terminationGracePeriodSeconds", 45).put("dnsPolicy", "ClusterFirst")
                .put("serviceAccountName", app).put("schedulerName", "default-scheduler");
        spec.putObject("securityContext").put("runAsNonRoot", true);
        return spec;
    }

    static ObjectNode pod(String name, int containers, boolean bad) {
        ObjectNode pod = N.objectNode().put("apiVersion", "v1").put("kind", "Pod");
        metadata(pod, name, "web");
        podSpec(pod.putObject("spec"), "web", containers, bad);
        return pod;
    }

    static ObjectNode workload(String kind, String app, int containers, int replicas, boolean bad) {
        ObjectNode object = N.objectNode().put("apiVersion", "apps/v1").put("kind", kind);
        metadata(object, app, app).put("generation", 1);
        ObjectNode spec = object.putObject("spec").put("replicas", replicas);
        spec.putObject("selector").putObject("matchLabels").put("app", app);
        if (kind.equals("StatefulSet")) {
            spec.put("serviceName", app).put("podManagementPolicy", "OrderedReady");
        } else {
            spec.putObject("strategy").put("type", "RollingUpdate").putObject("rollingUpdate").put("maxSurge", "25%").put("maxUnavailable", 0);
        }
        ObjectNode template = spec.putObject("template");
        template.putObject("metadata").putObject("labels").put("app", app).put("team", "checkout");
        podSpec(template.putObject("spec"), app, containers, bad);
        return object;
    }

    static ObjectNode configMap() {
        ObjectNode cm = N.objectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
        metadata(cm, "web-config", "web");
        cm.putObject("data").put("application.properties", "server.port=8080\nlog.level=info\n").put("feature-flags", "checkout=true");
        return cm;
    }
}
