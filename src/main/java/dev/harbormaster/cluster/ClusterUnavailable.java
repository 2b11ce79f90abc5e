package dev.harbormaster.cluster;

import dev.cel.common.CelErrorCode;
import dev.cel.common.exceptions.CelRuntimeException;

/**
 * Thrown by a CEL function that needs the cluster when the view cannot answer; the engine turns it into a warning.
 * A CelRuntimeException, which cel-java passes on as it is (any other exception it wraps once more, formatting
 * every argument), and without a stack trace: offline it is thrown on every request that meets a cluster rule.
 * (cel-java marks CelRuntimeException internal: on an upgrade, ClusterUnavailableTest and the offline tests tell.)
 */
public final class ClusterUnavailable extends CelRuntimeException {

    private final String reason;

    public ClusterUnavailable(String reason) {
        super(null, CelErrorCode.INTERNAL_ERROR);
        this.reason = reason;
    }

    @Override
    public String getMessage() {
        return reason;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
