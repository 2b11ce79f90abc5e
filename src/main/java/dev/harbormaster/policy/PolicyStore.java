package dev.harbormaster.policy;

import dev.harbormaster.cel.BundledChecks;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.config.HarbormasterConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduled;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Holds the policy set in force. Loads it at start (a broken pack stops the start, with every
 * error), then watches the policy directory and swaps in a new snapshot when the files change;
 * a broken change is reported and the last good snapshot stays in force.
 *
 * <p>The first load is most of the start's time (compiling CEL), so it begins on a thread of its
 * own from the first {@link StartupEvent} observer and runs beside the rest of the start, which
 * waits for it in the last one. Not earlier: in a native executable the CDI container (and its
 * initialised event for the application scope) comes up while the image is built, where
 * the run-time policy directory and limits are not yet known.
 */
@ApplicationScoped
public class PolicyStore {

    private static final Logger LOG = Logger.getLogger(PolicyStore.class);

    private final Optional<Path> directory;
    private final ClusterPolicies resources;
    /** Made by the first load (on its own thread), when it knows whether the build's checked expressions apply. */
    private PolicyLoader loader;
    /** What became of the build's checked expressions; empty while a policy directory is set (they are not read). */
    private volatile Optional<BundledChecks.Outcome> bundledChecks = Optional.empty();
    private final MeterRegistry metrics;
    private final AtomicReference<PolicySet> current = new AtomicReference<>();
    private volatile PolicyLoadException lastError;
    private volatile String fingerprint;
    private volatile CompletableFuture<Void> firstLoad;
    /** The resources' version the set in force was loaded from. */
    private volatile long resourcesLoaded = -1;
    /** Per resource, what the last load made of it; swapped whole with each load. */
    private volatile Map<String, ResourceState> resourceStates = Map.of();
    /** Per resource, its last version that loaded: kept in force while a newer one is broken. */
    private Map<String, PolicySource> lastGood = Map.of();
    private final Counter reloaded;
    private final Counter refused;
    /** Seconds since the epoch of the last load that put a set in force (the first load too); 0 before it. */
    private final AtomicLong lastSuccess = new AtomicLong();
    /** The info gauge of the revision in force: replaced when another revision comes into force. */
    private volatile Gauge revisionInfo;
    /** Told of each set put in force (the decision metrics make its policies' counters). */
    private final List<Consumer<PolicySet>> inForceListeners = new CopyOnWriteArrayList<>();

    @Inject
    PolicyStore(HarbormasterConfig config, MeterRegistry metrics, ClusterPolicies resources) {
        this(config.policies().dir(), metrics, resources);
    }

    public PolicyStore(Optional<Path> directory, MeterRegistry metrics) {
        this(directory, metrics, ClusterPolicies.NONE);
    }

    public PolicyStore(Optional<Path> directory, MeterRegistry metrics, ClusterPolicies resources) {
        this.directory = directory;
        this.resources = resources;
        this.metrics = metrics;
        Gauge.builder("harbormaster.policies.loaded", current, ref -> ref.get() == null ? 0 : ref.get().size())
                .description("Policies in force (validating and mutating)")
                .strongReference(true)
                .register(metrics);
        // Both present at 0 from the start, so that increase() sees the first failure.
        reloaded = reloads(metrics, "success");
        refused = reloads(metrics, "failure");
        Gauge.builder("harbormaster.policy.set.last.reload.success.timestamp.seconds", lastSuccess, AtomicLong::get)
                .description("When the policy set in force was loaded (Unix time in seconds); 0 until the first load")
                .strongReference(true)
                .register(metrics);
        Gauge.builder("harbormaster.policy.set.last.reload.successful", this, store -> store.lastError == null ? 1 : 0)
                .description("1 when the last load or reload of the policy files succeeded, 0 while a broken change is refused "
                        + "and the set before it stays in force")
                .strongReference(true)
                .register(metrics);
    }

    private static Counter reloads(MeterRegistry metrics, String result) {
        return Counter.builder("harbormaster.policy.reloads")
                .description("Reloads of the policy directory after a change, by result (a refused one keeps the set before it in force)")
                .tag("result", result)
                .register(metrics);
    }

    /** Puts a set in force and says so in the metrics: when, and which revision. */
    private void inForce(PolicySet set) {
        current.set(set);
        lastSuccess.set(java.time.Instant.now().getEpochSecond());
        inForceListeners.forEach(listener -> listener.accept(set));
        Gauge before = revisionInfo;
        if (before != null && before.getId().getTag("revision").equals(set.revision())) {
            return;
        }
        revisionInfo = Gauge.builder("harbormaster.policy.set.info", () -> 1)
                .description("Always 1; the revision label is a digest of the policy files in force (equal on replicas that loaded the same files)")
                .tag("revision", set.revision())
                .strongReference(true)
                .register(metrics);
        if (before != null) {
            metrics.remove(before);
        }
    }

    void beginFirstLoad(@Observes @Priority(1) StartupEvent starting) {
        firstLoad = CompletableFuture.runAsync(() -> {
            try {
                long started = System.nanoTime();
                fingerprint = fingerprint();
                inForce(load());
                LOG.infof("loaded %d policies from %s in %d ms%s", current.get().size(), current.get().origin(),
                        (System.nanoTime() - started) / 1_000_000, bundledChecks.map(outcome -> " (" + outcome.description()
                                + outcome.checks().map(checks -> ", " + checks.hits() + " used").orElse("") + ")").orElse(""));
                current.get().warnings().forEach(warning -> LOG.warnf("policy load warning: %s", warning));
            } catch (PolicyLoadException | IOException e) {
                throw new IllegalStateException("cannot start: " + e.getMessage(), e);
            }
        }, task -> new Thread(task, "harbormaster-first-policy-load").start());
    }

    /** The start ends when the first load has: a broken pack stops it. */
    void awaitFirstLoad(@Observes @Priority(Integer.MAX_VALUE) StartupEvent started) {
        try {
            firstLoad.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /**
     * The snapshot in force; take it once per request and use that one throughout. Waits while the
     * first load is still running.
     */
    public PolicySet current() {
        PolicySet set = current.get();
        if (set == null) {
            firstLoad.join();
            set = current.get();
        }
        return set;
    }

    /** The snapshot in force, if the first load has finished (does not wait: for the readiness check). */
    public Optional<PolicySet> inForce() {
        return Optional.ofNullable(current.get());
    }

    /** Calls the listener with the set in force now, if there is one, and with every set put in force after it. */
    public void whenInForce(Consumer<PolicySet> listener) {
        inForceListeners.add(listener);
        PolicySet set = current.get();
        if (set != null) {
            listener.accept(set); // a load finishing meanwhile may call it twice with one set: listeners take that
        }
    }

    /** Why the last reload was refused, while the snapshot before it stays in force. */
    public Optional<PolicyLoadException> lastError() {
        return Optional.ofNullable(lastError);
    }

    @Scheduled(every = "${harbormaster.policies.reload-interval:2s}", delayed = "${harbormaster.policies.reload-interval:2s}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void reloadIfChanged() {
        // Until the first load is in force there is nothing to reload (on a slow start the schedule comes first).
        if (current.get() == null || directory.isEmpty() && resources.version() == resourcesLoaded) {
            return;
        }
        try {
            String now = fingerprint();
            if (now.equals(fingerprint) && resources.version() == resourcesLoaded) {
                return;
            }
            fingerprint = now;
            reload();
        } catch (IOException e) {
            // Shown in readiness like a broken policy; logged when it changes, not every interval.
            boolean repeated = lastError != null && lastError.getMessage().endsWith(e.getMessage());
            lastError = new PolicyLoadException(List.of(new PolicyError(directory.map(Path::toString).orElse("policies"), 0, 0, null, null,
                    e.getMessage())));
            LOG.logf(repeated ? Logger.Level.DEBUG : Logger.Level.ERROR, "cannot read the policy directory, keeping %d policies in force: %s",
                    current.get().size(), e.getMessage());
            refused.increment();
        }
    }

    /** Loads the policies again now; on failure keeps the snapshot in force and reports why. */
    public void reload() throws IOException {
        try {
            PolicySet loaded = load();
            lastError = null;
            inForce(loaded);
            reloaded.increment();
            LOG.infof("reloaded %d policies from %s", loaded.size(), loaded.origin());
            loaded.warnings().forEach(warning -> LOG.warnf("policy load warning: %s", warning));
        } catch (PolicyLoadException e) {
            lastError = e;
            refused.increment();
            LOG.errorf("policy reload refused, keeping the %d policies in force. %s", current.get().size(), e.getMessage());
        }
    }

    /** The files and the cluster's resources, loaded into one set; synchronized: the first load and reloads take turns. */
    private synchronized PolicySet load() throws PolicyLoadException, IOException {
        // Taken first, and marked loaded even if the files then fail: a broken file is retried when it changes, not every tick.
        resourcesLoaded = resources.version();
        List<PolicySource> cluster = resources.resources();
        List<PolicySource> files = directory.isPresent() ? PolicyLoader.readDirectory(directory.get()) : PolicyLoader.readBundled();
        if (loader == null) {
            loader = new PolicyLoader(new CelEnvironment(directory.isPresent() ? null : bundledChecks(files)));
        }
        String origin = directory.map(Path::toString).orElse("the bundled default pack")
                + (cluster.isEmpty() ? "" : " and " + cluster.size() + " cluster resource(s)");
        PolicyLoader.Loaded loaded = loader.load(List.of(), files, cluster.stream()
                .map(resource -> new PolicyLoader.Resource(resource, lastGood.get(resource.name()))).toList(), origin);
        Map<String, ResourceState> states = new java.util.HashMap<>();
        for (PolicySource resource : cluster) {
            List<PolicyError> errors = loaded.resourceErrors().getOrDefault(resource.name(), List.of());
            states.put(resource.name(), new ResourceState(resource.content(),
                    errors.stream().map(PolicyError::fieldAndMessage).toList(),
                    !errors.isEmpty() && loaded.lastGood().containsKey(resource.name())));
            if (!errors.isEmpty()) {
                LOG.warnf("policy resource %s refused%s: %s", resource.name(),
                        loaded.lastGood().containsKey(resource.name()) ? " (its last good version stays in force)" : "",
                        String.join("; ", states.get(resource.name()).errors()));
            }
        }
        lastGood = Map.copyOf(loaded.lastGood());
        resourceStates = Map.copyOf(states);
        return loaded.set();
    }

    /**
     * What the last load made of a policy resource.
     *
     * @param content     the version of the resource it loaded (as {@link ClusterPolicies} gave it)
     * @param errors      "field: message" for each problem, as {@code harbormaster test} ends its lines; empty: in force
     * @param keptEarlier the version before this broken one stays in force
     */
    public record ResourceState(String content, List<String> errors, boolean keptEarlier) {
    }

    /** What the last load made of the resource, if it loaded that version of it. */
    public Optional<ResourceState> resourceState(String name, String content) {
        ResourceState state = resourceStates.get(name);
        return state != null && state.content().equals(content) ? Optional.of(state) : Optional.empty();
    }

    /**
     * The build's checked expressions of the bundled pack, if they are of these very files and CEL
     * classes ({@link BundledChecks#read}); null to compile. Never with a policy directory: that is
     * run-time configuration, and the build saw only the bundled pack.
     */
    private BundledChecks bundledChecks(List<PolicySource> files) throws IOException {
        BundledChecks.Outcome outcome;
        try (java.io.InputStream resource = Thread.currentThread().getContextClassLoader().getResourceAsStream(BundledChecks.RESOURCE)) {
            outcome = BundledChecks.read(resource, PolicyLoader.revision(files));
        }
        bundledChecks = Optional.of(outcome);
        return outcome.checks().orElse(null);
    }

    /** What became of the build's checked expressions at the first load (for tests and the start's log line). */
    Optional<BundledChecks.Outcome> bundledChecksOutcome() {
        return bundledChecks;
    }

    /** Names, sizes and modification times of the files: cheap to take every few seconds. */
    private String fingerprint() throws IOException {
        if (directory.isEmpty() || !Files.isDirectory(directory.get())) {
            return "";
        }
        StringBuilder print = new StringBuilder();
        try (Stream<Path> files = Files.walk(directory.get(), java.nio.file.FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : files.sorted().toList()) {
                BasicFileAttributes attributes = Files.readAttributes(file, BasicFileAttributes.class);
                print.append(file).append(' ').append(attributes.size()).append(' ')
                        .append(attributes.lastModifiedTime().toMillis()).append('\n');
            }
        } catch (java.io.UncheckedIOException e) {
            throw PolicyLoader.oneLine(e.getCause());
        }
        return print.toString();
    }

}
