package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.ssl.SslHandshakeTimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;

class ConnectionFailuresTest {

    @Test
    void aLineSaysTheInnermostReasonWithoutAClassName() {
        var refused = new io.netty.handler.codec.DecoderException(new SSLHandshakeException("Received fatal alert: bad_certificate"));
        assertThat(ConnectionFailures.line(refused)).isEqualTo("a connection failed before its first request: Received fatal alert: bad_certificate");
        assertThat(ConnectionFailures.line(new SslHandshakeTimeoutException("handshake timed out after 10000ms")))
                .isEqualTo("a connection failed before its first request: handshake timed out after 10000ms");
        assertThat(ConnectionFailures.line(new java.io.IOException((String) null))).isEqualTo("a connection failed before its first request: the connection was closed");
        assertThat(ConnectionFailures.line(new SSLHandshakeException("two\nlines"))).doesNotContain("\n");
    }
}
