package dev.harbormaster.admission;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Bounds on a connection before any request on it is complete, where {@link RequestGuards} cannot
 * reach. Quarkus' {@code quarkus.http.idle-timeout} closes a connection on which nothing was read or
 * written for that long. Vert.x's idle timer sees whole messages, so an HTTP/1 client trickling its
 * headers is idle to it; an HTTP/2 client trickling its header block in CONTINUATION frames is not
 * (each frame is whole) and would hold the connection for ever. It is never answered, though: the
 * same timeout also counts from the last byte the server wrote, so such a connection is closed
 * idle-timeout after it was opened or last answered. A healthy client is answered within
 * harbormaster.http.request-timeout, which is shorter, and its HTTP/2 pings are answered too.
 */
@ApplicationScoped
public class ConnectionGuards implements HttpServerOptionsCustomizer {

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        closeUnanswered(options);
    }

    @Override
    public void customizeHttpsServer(HttpServerOptions options) {
        closeUnanswered(options);
    }

    /** Vert.x closes a connection on any of its idle timeouts; all three share the idle-timeout's unit. */
    private static void closeUnanswered(HttpServerOptions options) {
        if (options.getIdleTimeout() > 0) {
            options.setWriteIdleTimeout(options.getIdleTimeout());
        }
    }
}
