package dev.harbormaster.cluster;

/** Thrown by a CEL function that needs the cluster when the view cannot answer; the engine turns it into a warning. */
public final class ClusterUnavailable extends RuntimeException {

    public ClusterUnavailable(String reason) {
        super(reason, null, false, false);
    }
}
