package dev.harbormaster.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.jboss.logging.Logger;
import org.jboss.logmanager.LogContext;

/**
 * Connections that fail before their first request: a TLS handshake refused (an old protocol, no
 * shared suite, a client that does not trust the certificate: the usual sign of a wrong caBundle) or
 * not finished in time. Vert.x reports these only to the HTTP server's exception handler, which
 * Quarkus does not let an application set; its default writes them at TRACE, with a stack trace.
 * This takes those records instead: one WARN line per kind of failure every few seconds, and a counter.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup
public class ConnectionFailures {

    /** The category of Vert.x's default exception handler for its HTTP servers (its only TRACE line). */
    static final String VERTX_HTTP_SERVER = "io.vertx.core.http.impl.HttpServerImpl";
    private static final Logger LOG = Logger.getLogger(ConnectionFailures.class);
    private static final RateLimitedLog FAILED = new RateLimitedLog(LOG, 10_000);

    private final Counter failures;

    public ConnectionFailures(MeterRegistry metrics) {
        this.failures = Counter.builder("harbormaster.http.connection.failures")
                .description("Connections that failed before their first request (TLS handshake refused or timed out)")
                .register(metrics);
        org.jboss.logmanager.Logger vertx = LogContext.getLogContext().getLogger(VERTX_HTTP_SERVER);
        vertx.setUseParentHandlers(false);
        vertx.setLevel(org.jboss.logmanager.Level.TRACE);
        vertx.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                failed(record.getThrown());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
    }

    void failed(Throwable cause) {
        failures.increment();
        FAILED.log(Logger.Level.WARN, innermostMessage(cause), line(cause));
    }

    /** What the log says of one: the innermost reason, in one line, no class name. */
    static String line(Throwable cause) {
        return "a connection failed before its first request: " + innermostMessage(cause);
    }

    private static String innermostMessage(Throwable failure) {
        String message = null;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getMessage() != null) {
                message = cause.getMessage();
            }
        }
        return message == null ? "the connection was closed" : Reasons.excerpt(message);
    }
}
