package dev.harbormaster.config;

import dev.harbormaster.engine.Engine;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Every {@code harbormaster.*} setting of the server, with its default stated here once. Read at run
 * time only (never during a native image's static initialisation): the chart sets the policy
 * directory and limits when the pod starts. The CLI does not read it; its options say the same.
 */
@ConfigMapping(prefix = "harbormaster")
public interface HarbormasterConfig {

    /** enforce: policies act as written; audit: every Deny acts as Warn + Audit. */
    @WithDefault("enforce")
    Engine.Mode mode();

    Policies policies();

    Cel cel();

    Admission admission();

    Cluster cluster();

    Audit audit();

    LeaderElection leaderElection();

    Tls tls();

    Http http();

    interface Policies {
        /** Directory of policy files, read recursively; absent: the pack bundled in the executable. */
        Optional<Path> dir();

        /** How often the directory is checked for changes (also read by the reload schedule's expression). */
        @WithDefault("2s")
        Duration reloadInterval();
    }

    /** The bounds of evaluation (see {@link dev.harbormaster.cel.EvaluationLimits} for what they count). */
    interface Cel {
        /** Cost one expression may take; past it the expression fails per failurePolicy. */
        @WithDefault("1000000")
        long costLimit();

        /** Cost all expressions of all policies may take together for one request. */
        @WithDefault("10000000")
        long requestCostLimit();

        /** Wall-clock time one request's evaluation may take (the chart's webhook timeout is 5 s). */
        @WithDefault("2s")
        Duration requestDeadline();
    }

    interface Admission {
        /** Larger bodies get a 413 (kube-apiserver sends objects of at most 3 MiB). */
        @WithDefault("3145728")
        long maxRequestBytes();

        /**
         * Policies that kube-apiserver runs in-tree (lowered by {@code harbormaster export vap}): the
         * webhook does not evaluate them; background audit and the CLI still do. None by default.
         */
        java.util.Optional<java.util.Set<String>> inTreePolicies();
    }

    interface Cluster {
        /** Whether to watch the cluster: AUTO in a pod or with an API server URL configured. */
        @WithDefault("auto")
        Watch enabled();

        enum Watch { AUTO, TRUE, FALSE }
    }

    interface Http {
        /** Time to read and answer one request: a client that announces more body than it sends is cut. */
        @WithDefault("10s")
        Duration requestTimeout();
    }

    interface Tls {
        /** Holds tls.crt and tls.key (PEM); application.properties points Quarkus' TLS registry at them. */
        @WithDefault("/etc/harbormaster/tls")
        Path dir();
    }

    /**
     * Which replica writes to the cluster (background audit, policy statuses): the holder of a
     * coordination.k8s.io Lease. Only with a cluster to watch; without one this process is the only writer.
     */
    interface LeaderElection {
        /** The Lease the replicas compete for (the chart sets the release's name). */
        @WithDefault("harbormaster")
        String leaseName();

        /** Its namespace; absent: the client's own (in a pod, the service account's namespace). */
        Optional<String> leaseNamespace();

        /** How long a leader that stopped renewing keeps the Lease before another replica may take it. */
        @WithDefault("15s")
        Duration leaseDuration();

        /** How long the leader keeps trying to renew before it stops writing (shorter than the lease duration). */
        @WithDefault("10s")
        Duration renewDeadline();

        /** How often a replica tries to take or renew the Lease. */
        @WithDefault("2s")
        Duration retryPeriod();
    }

    interface Audit {
        @WithDefault("false")
        boolean enabled();

        @WithDefault("5m")
        Duration interval();

        /** Objects one cycle may evaluate; the next cycle carries on where it stopped. */
        @WithDefault("2000")
        int maxObjectsPerCycle();
    }
}
