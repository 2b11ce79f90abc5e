package dev.harbormaster.admission;

import dev.harbormaster.config.HarbormasterConfig;
import io.netty.handler.codec.http2.Http2Exception;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import org.jboss.logging.Logger;

/**
 * Failures that happen before or beside the doors (a body over the HTTP limit, an Error that
 * escaped, a request Vert.x could not route) answer one line of text/plain with the reason, in
 * place of Quarkus' multi-line error page.
 */
@ApplicationScoped
public class FailureAnswers {

    static final String INTERNAL_ERROR = "internal error in harbormaster; see the server log";
    private static final Logger LOG = Logger.getLogger(FailureAnswers.class);
    private static final RateLimitedLog UNEXPECTED = new RateLimitedLog(LOG, 10_000);

    private final long maxRequestBytes;
    private final DecisionRecorder recorder;

    public FailureAnswers(HarbormasterConfig config, DecisionRecorder recorder) {
        this.maxRequestBytes = config.admission().maxRequestBytes();
        this.recorder = recorder;
    }

    /** Before Quarkus' own failure handler, which writes a page. */
    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).failureHandler(this::answer);
        // A path no route serves, or a door asked with another method, is no failure to Vert.x: its own answers.
        router.errorHandler(404, this::answer);
        router.errorHandler(405, this::answer);
    }

    void answer(RoutingContext context) {
        Throwable failure = context.failure();
        if (Boolean.TRUE.equals(context.get(RequestGuards.CUT_AT_DEADLINE))) {
            // The deadline closed this request (and said so); writing its late answer failed, as it must.
            LOG.debugf("late answer to a request closed at its deadline dropped: %s", failure);
            return;
        }
        if (transportFailed(failure) || context.response().closed()) {
            // The client went away mid-request (the doors' body handler fails the route): no one to answer, no fault here.
            LOG.debugf("request abandoned by its client: %s", failure);
            return;
        }
        int status = context.statusCode() >= 400 ? context.statusCode() : 500;
        if (status >= 500) {
            recorder.unexpected(failure == null ? new IllegalStateException("failed with status " + status) : failure);
        }
        if (context.response().headWritten()) {
            context.response().reset();
            return;
        }
        String reason = switch (status) {
            // The doors' body handler, on a body that announced no length (RequestGuards refuses one that did).
            case 413 -> "the body is over the limit of " + maxRequestBytes + " bytes (harbormaster.admission.max-request-bytes)";
            case 400 -> "the request cannot be read as HTTP";
            case 404 -> "no such path; the doors are POST /validate and POST /mutate";
            case 405 -> "method not allowed; the doors take POST";
            case 415 -> "unsupported media type; send Content-Type: application/json";
            default -> status >= 500 ? INTERNAL_ERROR : "refused (HTTP " + status + ")";
        };
        context.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(reason + "\n");
    }

    /**
     * The connection or the stream failed under the request: closed, reset, or a write to it failed
     * (Vert.x tells each stream still open on a connection of the connection's failure). The doors do
     * no other I/O, so none of these is a bug of ours.
     */
    private static boolean transportFailed(Throwable failure) {
        return failure instanceof HttpClosedException || failure instanceof IOException || failure instanceof Http2Exception;
    }

    static void logUnexpected(Throwable failure) {
        UNEXPECTED.log(Logger.Level.ERROR, RateLimitedLog.keyOf(failure),
                "unexpected error while answering a request: " + RateLimitedLog.describe(failure));
    }
}
