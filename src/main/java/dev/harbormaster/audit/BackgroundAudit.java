package dev.harbormaster.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.harbormaster.config.HarbormasterConfig;
import dev.harbormaster.cel.CelJson;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.cluster.Leadership;
import dev.harbormaster.engine.ActionPolicy;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.Verdict;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.jboss.logging.Logger;

/**
 * Evaluates what already runs in the cluster through the same engine, as CREATE requests of the
 * objects as stored, and writes one {@code wgpolicyk8s.io/v1alpha2} PolicyReport per namespace
 * (named {@code harbormaster}), the format cluster tools already read. Runs every interval and
 * soon after the policy set changes. Work per cycle is bounded: namespaces are audited in name
 * order, and when the object budget is spent the next cycle carries on where this one stopped. A
 * report is only written when its results changed, and deleted when its namespace has nothing left
 * to report on.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // its meters exist from the start, not from the scheduler's first call
public class BackgroundAudit {

    private static final Logger LOG = Logger.getLogger(BackgroundAudit.class);
    static final String REPORT_NAME = "harbormaster";
    static final ResourceDefinitionContext POLICY_REPORT = new ResourceDefinitionContext.Builder()
            .withGroup("wgpolicyk8s.io").withVersion("v1alpha2").withKind("PolicyReport").withPlural("policyreports")
            .withNamespaced(true).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The group Policy Reporter files the results under. */
    static final String CATEGORY = "Harbormaster";
    private static final Map<String, Object> AUDITOR = Map.of("username", "system:serviceaccount:harbormaster:background-audit");

    private final boolean enabled;
    private final Duration interval;
    private final int maxObjectsPerCycle;
    private final Instance<KubernetesClient> clients;
    private final PolicyStore policies;
    private final Engine engine;
    private final ClusterView cluster;
    private final MeterRegistry metrics;
    private final Leadership leadership;
    private final AtomicLong findings = new AtomicLong();
    private final Timer cycleTime;
    private final Counter cyclesDone;
    private final Counter cyclesFailed;
    private final Counter reportsWritten;
    private volatile PolicySet auditedSet;
    private volatile Instant lastFullPass = Instant.EPOCH;
    private String resumeAfter = "";

    @jakarta.inject.Inject
    BackgroundAudit(HarbormasterConfig config, Instance<KubernetesClient> clients, PolicyStore policies, Engine engine,
                    ClusterView cluster, MeterRegistry metrics, Leadership leadership) {
        this(config.audit().enabled(), config.audit().interval(), config.audit().maxObjectsPerCycle(), clients, policies,
                engine, cluster, metrics, leadership);
    }

    public BackgroundAudit(boolean enabled, Duration interval, int maxObjectsPerCycle, Instance<KubernetesClient> clients,
                           PolicyStore policies, Engine engine, ClusterView cluster, MeterRegistry metrics,
                           Leadership leadership) {
        this.enabled = enabled;
        this.interval = interval;
        this.maxObjectsPerCycle = maxObjectsPerCycle;
        this.clients = clients;
        this.policies = policies;
        this.engine = engine;
        this.cluster = cluster;
        this.metrics = metrics;
        this.leadership = leadership;
        if (enabled) {
            // Only with the audit on: a findings gauge at 0 from an audit that never runs would read as a clean cluster.
            Gauge.builder("harbormaster.audit.findings", findings, AtomicLong::get)
                    .description("Results other than pass in the last complete background audit pass, all namespaces")
                    .strongReference(true)
                    .register(metrics);
            cycleTime = Timer.builder("harbormaster.audit.cycle")
                    .description("Time one background audit cycle took")
                    .register(metrics);
            cyclesDone = cycles(metrics, "success");
            cyclesFailed = cycles(metrics, "failure");
            reportsWritten = Counter.builder("harbormaster.audit.reports.written")
                    .description("PolicyReports created or updated by the background audit")
                    .register(metrics);
        } else {
            cycleTime = null;
            cyclesDone = null;
            cyclesFailed = null;
            reportsWritten = null;
        }
    }

    private static Counter cycles(MeterRegistry metrics, String result) {
        return Counter.builder("harbormaster.audit.cycles")
                .description("Background audit cycles, by result")
                .tag("result", result)
                .register(metrics);
    }

    @Scheduled(every = "10s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        if (!enabled || !leadership.leads()) {
            return;
        }
        boolean policiesChanged = policies.current() != auditedSet;
        if (policiesChanged || !resumeAfter.isEmpty() || Duration.between(lastFullPass, Instant.now()).compareTo(interval) >= 0) {
            if (policiesChanged) {
                resumeAfter = "";
            }
            try {
                runCycle();
            } catch (RuntimeException e) {
                LOG.warnf("background audit cycle failed, will retry: %s", e.getMessage());
                cyclesFailed.increment();
            }
        }
    }

    /** What one cycle did. */
    public record Cycle(int namespaces, int objects, int reportsWritten, int reportsDeleted, boolean complete) {
    }

    /** Audits namespaces from where the last cycle stopped until the object budget is spent. */
    public synchronized Cycle runCycle() {
        Timer.Sample timer = Timer.start(metrics);
        KubernetesClient client = clients.get();
        PolicySet set = policies.current();
        List<String> namespaces = client.namespaces().list().getItems().stream()
                .map(ns -> ns.getMetadata().getName()).sorted().filter(ns -> ns.compareTo(resumeAfter) > 0).toList();
        int objects = 0;
        int written = 0;
        int deleted = 0;
        int audited = 0;
        long found = 0;
        String last = resumeAfter;
        for (String namespace : namespaces) {
            if (objects >= maxObjectsPerCycle) {
                break;
            }
            List<Map<String, Object>> inNamespace = objectsIn(client, namespace);
            objects += inNamespace.size();
            Report report = report(namespace, inNamespace, set);
            found += report.results().size();
            switch (write(client, namespace, report)) {
                case WRITTEN -> written++;
                case DELETED -> deleted++;
                case UNCHANGED -> { }
            }
            audited++;
            last = namespace;
        }
        boolean complete = audited == namespaces.size();
        resumeAfter = complete ? "" : last;
        if (complete) {
            lastFullPass = Instant.now();
            auditedSet = set;
            findings.set(found);
        }
        if (cycleTime != null) {
            timer.stop(cycleTime);
            cyclesDone.increment();
            reportsWritten.increment(written);
        }
        LOG.debugf("background audit: %d namespaces, %d objects, %d reports written, %d deleted%s",
                audited, objects, written, deleted, complete ? "" : " (budget spent; continues next cycle)");
        return new Cycle(audited, objects, written, deleted, complete);
    }

    /**
     * The workloads worth a report, and the PDBs and HPAs; objects a controller owns are audited at their owner.
     *
     * <p>Read by LIST per namespace at resourceVersion 0, which kube-apiserver answers from its watch cache
     * (no etcd read), rather than from informers: informers would keep every Pod, ReplicaSet and Job of
     * the cluster in this process between cycles (the ClusterView's informers keep only what the rules
     * look up, trimmed), while a cycle needs one namespace at a time and is bounded by max-objects-per-cycle.
     */
    private static List<Map<String, Object>> objectsIn(KubernetesClient client, String namespace) {
        ListOptions fromWatchCache = new ListOptionsBuilder().withResourceVersion("0").build();
        List<HasMetadata> objects = new ArrayList<>();
        objects.addAll(client.apps().deployments().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.apps().statefulSets().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.apps().daemonSets().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.apps().replicaSets().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.batch().v1().cronjobs().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.batch().v1().jobs().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.pods().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.policy().v1().podDisruptionBudget().inNamespace(namespace).list(fromWatchCache).getItems());
        objects.addAll(client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).list(fromWatchCache).getItems());
        List<Map<String, Object>> maps = new ArrayList<>();
        for (HasMetadata object : objects) {
            boolean controlled = object.getMetadata().getOwnerReferences() != null
                    && object.getMetadata().getOwnerReferences().stream().anyMatch(o -> Boolean.TRUE.equals(o.getController()));
            if (!controlled) {
                maps.add(toCel(client, object));
            }
        }
        return maps;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> toCel(KubernetesClient client, HasMetadata object) {
        return (Map<String, Object>) CelJson.parse(client.getKubernetesSerialization().asJson(object));
    }

    /** A namespace's findings, and how many objects passed each policy. */
    record Report(List<Map<String, Object>> results, Map<String, Long> summary, int objects) {
    }

    private Report report(String namespace, List<Map<String, Object>> objects, PolicySet set) {
        List<Map<String, Object>> results = new ArrayList<>();
        Map<String, Long> summary = new LinkedHashMap<>();
        for (String key : List.of("pass", "fail", "warn", "error", "skip")) {
            summary.put(key, 0L);
        }
        for (Map<String, Object> object : objects) {
            Verdict verdict = engine.auditExisting(ManifestInput.existing(object, namespace, AUDITOR), set, cluster);
            for (PolicyResult result : verdict.results()) {
                String outcome = ActionPolicy.conclude(result).report();
                summary.merge(outcome, 1L, Long::sum);
                if (!outcome.equals("pass")) {
                    results.add(result(result, outcome, object));
                }
            }
        }
        return new Report(results, summary, objects.size());
    }

    private static Map<String, Object> result(PolicyResult result, String outcome, Map<String, Object> object) {
        Map<String, Object> metadata = CelJson.map(object, "metadata");
        Map<String, Object> resource = new LinkedHashMap<>();
        resource.put("apiVersion", object.get("apiVersion"));
        resource.put("kind", object.get("kind"));
        resource.put("namespace", CelJson.string(metadata, "namespace"));
        resource.put("name", CelJson.string(metadata, "name"));
        resource.put("uid", CelJson.string(metadata, "uid"));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("source", "harbormaster");
        entry.put("policy", result.policy());
        entry.put("rule", result.fieldPath() == null ? result.policy() : result.fieldPath());
        entry.put("category", CATEGORY);
        entry.put("result", outcome);
        ActionPolicy.Conclusion conclusion = ActionPolicy.conclude(result);
        entry.put("severity", conclusion.denies() ? "high" : conclusion.warns() ? "medium" : "low");
        entry.put("message", result.message());
        entry.put("resources", List.of(resource));
        entry.put("timestamp", Map.of("seconds", Instant.now().getEpochSecond(), "nanos", 0));
        return entry;
    }

    private enum Written { WRITTEN, DELETED, UNCHANGED }

    private static Written write(KubernetesClient client, String namespace, Report report) {
        var reports = client.genericKubernetesResources(POLICY_REPORT).inNamespace(namespace);
        GenericKubernetesResource existing = reports.withName(REPORT_NAME).get();
        if (report.objects() == 0) {
            if (existing == null) {
                return Written.UNCHANGED;
            }
            reports.withName(REPORT_NAME).delete();
            return Written.DELETED;
        }
        if (existing != null && sameFindings(existing, report)) {
            return Written.UNCHANGED;
        }
        GenericKubernetesResource fresh = new GenericKubernetesResourceBuilder()
                .withApiVersion("wgpolicyk8s.io/v1alpha2").withKind("PolicyReport")
                .withNewMetadata().withName(REPORT_NAME).withNamespace(namespace)
                .addToLabels("app.kubernetes.io/managed-by", "harbormaster").endMetadata()
                .build();
        // What the report covers: Policy Reporter takes it for a result that names no resource.
        fresh.setAdditionalProperty("scope", Map.of("apiVersion", "v1", "kind", "Namespace", "name", namespace));
        fresh.setAdditionalProperty("summary", report.summary());
        fresh.setAdditionalProperty("results", report.results());
        if (existing == null) {
            reports.resource(fresh).create();
        } else {
            fresh.getMetadata().setResourceVersion(existing.getMetadata().getResourceVersion());
            reports.resource(fresh).update();
        }
        return Written.WRITTEN;
    }

    /** Equal summaries and results, timestamps aside. */
    private static boolean sameFindings(GenericKubernetesResource existing, Report report) {
        JsonNode before = JSON.valueToTree(Map.of("summary", existing.getAdditionalProperties().getOrDefault("summary", Map.of()),
                "results", existing.getAdditionalProperties().getOrDefault("results", List.of())));
        JsonNode after = JSON.valueToTree(Map.of("summary", report.summary(), "results", report.results()));
        before.path("results").forEach(r -> ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("timestamp"));
        after.path("results").forEach(r -> ((com.fasterxml.jackson.databind.node.ObjectNode) r).remove("timestamp"));
        return before.toString().equals(after.toString());
    }
}
