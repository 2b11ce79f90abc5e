package dev.harbormaster.admission;

import dev.harbormaster.config.HarbormasterConfig;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;

/**
 * What is refused before a door reads the body, with a one-line reason: a body announced over the
 * size limit (harbormaster.admission.max-request-bytes, so it is never buffered), a body in an encoding
 * the doors do not decode, a Content-Type that does not parse or names a form; and a deadline for reading and
 * answering a request, so that a client that announces more body than it sends cannot hold a
 * connection (before a request is complete, {@link ConnectionGuards} and the idle timeout bound it).
 */
@ApplicationScoped
public class RequestGuards {

    private static final Logger LOG = Logger.getLogger(RequestGuards.class);
    private static final RateLimitedLog CUT = new RateLimitedLog(LOG, 10_000);

    private static final Set<String> FORMS = Set.of("multipart/form-data", "application/x-www-form-urlencoded");
    /** RFC 9110's media-type: type "/" subtype, then parameters whose values are tokens or quoted strings. */
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern MEDIA_TYPE = Pattern.compile("[ \\t]*(" + TOKEN + ")/(" + TOKEN + ")"
            + "(?:[ \\t]*;[ \\t]*(?:" + TOKEN + "=(?:" + TOKEN + "|\"(?:[^\"\\\\]|\\\\.)*\"))?)*[ \\t]*");

    private final long deadlineMillis;
    private final long maxRequestBytes;

    public RequestGuards(HarbormasterConfig config) {
        this.deadlineMillis = Math.max(1, config.http().requestTimeout().toMillis());
        this.maxRequestBytes = config.admission().maxRequestBytes();
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(this::guard);
    }

    void guard(RoutingContext context) {
        String encoding = context.request().getHeader("Content-Encoding");
        if (encoding != null && !encoding.isBlank() && !encoding.strip().equalsIgnoreCase("identity")) {
            refuse(context, 415, "Content-Encoding " + Reasons.excerpt(encoding)
                    + " is not accepted; send the AdmissionReview uncompressed (kube-apiserver does)");
            return;
        }
        String length = context.request().getHeader("Content-Length");
        if (length != null && length.strip().length() > 0) {
            long announced;
            try {
                announced = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                announced = -1;
            }
            if (announced < 0) {
                refuse(context, 400, "the Content-Length header \"" + Reasons.excerpt(length) + "\" is not a number of bytes");
                return;
            }
            if (announced > maxRequestBytes) {
                refuse(context, 413, BadAdmissionRequest.tooLarge(announced, maxRequestBytes).getMessage());
                return;
            }
        }
        String type = context.request().getHeader("Content-Type");
        if (type != null) {
            String essence = essence(type);
            if (essence == null) {
                refuse(context, 400, "the Content-Type header " + "\"" + Reasons.excerpt(type) + "\" does not parse; send Content-Type: application/json");
                return;
            }
            if (FORMS.contains(essence)) {
                // The doors read any other type as JSON; a form's body would be decoded as a form.
                refuse(context, 415, "Content-Type " + essence + " is not accepted; send the AdmissionReview as Content-Type: application/json");
                return;
            }
        }
        long timer = context.vertx().setTimer(deadlineMillis, id -> cut(context));
        context.addEndHandler(done -> context.vertx().cancelTimer(timer));
        context.next();
    }

    /** A Content-Type's type/subtype in lower case, or null when it is no media type. */
    static String essence(String contentType) {
        Matcher media = MEDIA_TYPE.matcher(contentType);
        return media.matches() ? (media.group(1) + "/" + media.group(2)).toLowerCase(Locale.ROOT) : null;
    }

    /** Marks a request closed at its deadline: its late answer has nowhere to go (see FailureAnswers). */
    static final String CUT_AT_DEADLINE = "harbormaster.cut-at-deadline";

    private void cut(RoutingContext context) {
        if (context.response().ended() || context.response().closed()) {
            return;
        }
        context.put(CUT_AT_DEADLINE, Boolean.TRUE);
        CUT.log(Logger.Level.WARN, "deadline", "closed a request not read and answered within " + deadlineMillis
                + " ms (harbormaster.http.request-timeout) from " + context.request().remoteAddress());
        if (context.request().version() == HttpVersion.HTTP_2) {
            context.response().reset();
        } else {
            context.request().connection().close();
        }
    }

    /** Answered before the body is read; HTTP/1 then closes (the unread body would be taken for the next request). */
    private static void refuse(RoutingContext context, int status, String reason) {
        context.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8");
        if (context.request().version() != HttpVersion.HTTP_2) {
            // Connection is an HTTP/1 header: on h2 it is a protocol error that resets the stream.
            context.response().putHeader("Connection", "close");
        }
        context.response().end(Reasons.oneLine(reason) + "\n");
    }
}
