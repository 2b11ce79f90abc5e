package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicyStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** Clients no kube-apiserver is: old TLS, slow or short bodies, odd headers, a server that runs out of memory. */
@QuarkusTest
@TestProfile(HostileClientsTest.ShortTimeouts.class)
class HostileClientsTest {

    static final long TIMEOUT_MS = 2000;

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", TIMEOUT_MS + "ms", "harbormaster.http.request-timeout", TIMEOUT_MS + "ms");
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    // --- TLS ---------------------------------------------------------------------------------------

    private SSLSocket connect(String protocol, String... suites) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) { }
            public void checkServerTrusted(X509Certificate[] chain, String type) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", server.getPort());
        socket.setSoTimeout(20_000);
        socket.setEnabledProtocols(new String[] {protocol});
        if (suites.length > 0) {
            socket.setEnabledCipherSuites(suites);
        }
        return socket;
    }

    @Test
    void aTls12OnlyClientConnectsWithAnAeadSuite() throws Exception {
        try (SSLSocket socket = connect("TLSv1.2")) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
            assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_").containsAnyOf("_GCM_", "_CHACHA20_POLY1305_");
        }
    }

    @Test
    void aTls13ClientConnects() throws Exception {
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        }
    }

    @Test
    void aTls12ClientOfferingOnlyCbcSuitesIsRefused() throws Exception {
        try (SSLSocket socket = connect("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA")) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
        }
    }

    /** The JDK's own disabled algorithms also refuse 1.1, so this holds the server to it whichever layer refuses. */
    @Test
    void aTls11ClientIsRefused() throws Exception {
        try (SSLSocket socket = connect("TLSv1.1")) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
        }
    }

    // --- failures answered in one line -------------------------------------------------------------

    private static void assertOneLine(Response response, int status, String contains) {
        response.then().statusCode(status);
        assertThat(response.contentType()).startsWith("text/plain");
        String body = response.asString();
        assertThat(body).contains(contains);
        assertThat(body.strip()).doesNotContain("\n", "Exception", "Error:", "java.", "<", "\tat ");
        assertThat(body.length()).isLessThanOrEqualTo(Reasons.MAX_LENGTH + 1);
    }

    @Test
    void anOutOfMemoryErrorIsAnsweredInOneLine() {
        QuarkusMock.installMockForType(new PolicyStore(Optional.empty(), 1, new SimpleMeterRegistry()) {
            @Override
            public PolicySet current() {
                throw new OutOfMemoryError("Java heap space");
            }
        }, PolicyStore.class);
        for (String door : new String[] {"validate", "mutate"}) {
            assertOneLine(Fixtures.client(server).contentType("application/json").body(Fixtures.review("deployment-create-latest")).post(door),
                    500, "internal error in harbormaster");
        }
    }

    @Test
    void aRequestThatIsFineStillIsAnswered() {
        Fixtures.client(server).contentType("application/json").body(Fixtures.review("job-create")).post("validate").then().statusCode(200);
    }
}
