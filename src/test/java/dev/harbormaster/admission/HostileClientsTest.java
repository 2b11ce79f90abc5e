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
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** Clients no kube-apiserver is: old TLS, slow or short bodies, odd headers, a server that runs out of memory. */
@QuarkusTest
@TestProfile(HostileClientsTest.ShortTimeouts.class)
class HostileClientsTest {

    static final long TIMEOUT_MS = 2000;

    public static class ShortTimeouts implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.http.idle-timeout", TIMEOUT_MS + "ms", "harbormaster.http.request-timeout", TIMEOUT_MS + "ms",
                    "quarkus.tls.webhook.handshake-timeout", TIMEOUT_MS + "ms");
        }
    }

    @TestHTTPResource(value = "/", tls = true)
    URL server;

    // --- TLS ---------------------------------------------------------------------------------------

    private SSLSocket connect(String protocol, String... suites) throws Exception {
        SSLContext context = Fixtures.trustingAnyCertificate();
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", server.getPort());
        socket.setSoTimeout(20_000);
        socket.setEnabledProtocols(new String[] {protocol});
        if (suites.length > 0) {
            socket.setEnabledCipherSuites(suites);
        }
        return socket;
    }

    /** A TLS 1.3 connection that negotiated h2 by ALPN, handshake done. */
    private SSLSocket connectHttp2() throws Exception {
        SSLSocket socket = connect("TLSv1.3");
        javax.net.ssl.SSLParameters parameters = socket.getSSLParameters();
        parameters.setApplicationProtocols(new String[] {"h2"});
        socket.setSSLParameters(parameters);
        socket.startHandshake();
        assertThat(socket.getApplicationProtocol()).isEqualTo("h2");
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

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    /** Vert.x only writes these at TRACE, to a handler Quarkus does not expose: ConnectionFailures counts them (and logs a line). */
    @Test
    void aRefusedHandshakeIsCounted() throws Exception {
        double before = metrics.counter("harbormaster.http.connection.failures").count();
        try (SSLSocket socket = connect("TLSv1.2", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")) {
            assertThatThrownBy(socket::startHandshake).isInstanceOf(IOException.class);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metrics.counter("harbormaster.http.connection.failures").count() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metrics.counter("harbormaster.http.connection.failures").count()).isEqualTo(before + 1);
    }

    /** A client that connects and never starts its handshake: closed at the handshake timeout, and counted. */
    @Test
    void aHandshakeNeverStartedIsClosedAndCounted() throws Exception {
        double before = metrics.counter("harbormaster.http.connection.failures").count();
        try (java.net.Socket socket = new java.net.Socket("localhost", server.getPort())) {
            socket.setSoTimeout(20_000);
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(TIMEOUT_MS + 5000);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (metrics.counter("harbormaster.http.connection.failures").count() == before && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(metrics.counter("harbormaster.http.connection.failures").count()).isEqualTo(before + 1);
    }

    // --- slow and short clients -----------------------------------------------------------------

    /** How long the server takes to close a connection after {@code sent}, in ms (fails if it never does). */
    private long closedAfter(String sent) throws Exception {
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            OutputStream out = socket.getOutputStream();
            out.write(sent.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            long start = System.nanoTime();
            InputStream in = socket.getInputStream();
            try {
                while (in.read() != -1) {
                    // whatever the server says before it closes
                }
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("the server kept the connection open for 20 s", e);
            } catch (IOException closed) {
                // a reset is a close too
            }
            return (System.nanoTime() - start) / 1_000_000;
        }
    }

    @Test
    void aSlowlorisClientStalledMidHeadersIsDisconnected() throws Exception {
        long ms = closedAfter("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: appl");
        assertThat(ms).isLessThan(TIMEOUT_MS + 5000);
    }

    /** A byte of headers every 300 ms: Vert.x's idle timer sees only whole HTTP/1 messages, so this is idle to it. */
    @Test
    void aSlowlorisClientTricklingItsHeadersIsDisconnected() throws Exception {
        byte[] headers = ("POST /validate HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + "a".repeat(10_000)).getBytes(StandardCharsets.US_ASCII);
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            assertThat(closedWhileTrickling(socket, i -> new byte[] {headers[i % headers.length]})).isLessThan(TIMEOUT_MS + 5000);
        }
    }

    /**
     * The same over HTTP/2: a HEADERS frame without END_HEADERS, then one CONTINUATION frame of one
     * byte every 300 ms. Each is a whole frame, so the connection is never idle; it is never answered
     * either, which is what ConnectionGuards cuts (fails without it).
     */
    @Test
    void anHttp2ClientTricklingItsHeadersIsDisconnected() throws Exception {
        try (SSLSocket socket = connectHttp2()) {
            OutputStream out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.write(frame(4, 0, 0, new byte[0]));                       // SETTINGS
            // :method POST (indexed 3), :scheme https (7), :path / (4): no END_HEADERS, no END_STREAM.
            out.write(frame(1, 0, 1, new byte[] {(byte) 0x83, (byte) 0x87, (byte) 0x84}));
            out.flush();
            // CONTINUATION: :scheme http, again
            assertThat(closedWhileTrickling(socket, i -> frame(9, 0, 1, new byte[] {(byte) 0x86}))).isLessThan(TIMEOUT_MS + 5000);
        }
    }

    /** An HTTP/2 frame: 24-bit length, type, flags, 31-bit stream id, payload. */
    private static byte[] frame(int type, int flags, int stream, byte[] payload) {
        java.nio.ByteBuffer frame = java.nio.ByteBuffer.allocate(9 + payload.length);
        frame.put((byte) (payload.length >>> 16)).put((byte) (payload.length >>> 8)).put((byte) payload.length);
        frame.put((byte) type).put((byte) flags).putInt(stream).put(payload);
        return frame.array();
    }

    /** Stalled after part of its body: the idle timeout. The client's fault, not a bug of the server's. */
    @Test
    void aClientSendingLessBodyThanItAnnouncedIsDisconnected() throws Exception {
        double internalErrors = metrics.counter("harbormaster.admission.internal.errors").count();
        long ms = closedAfter("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: 100000\r\n\r\n{\"apiVersion\":");
        assertThat(ms).isLessThan(TIMEOUT_MS + 5000);
        Thread.sleep(300); // the server fails the abandoned request as it closes the connection
        assertThat(metrics.counter("harbormaster.admission.internal.errors").count()).isEqualTo(internalErrors);
    }

    /**
     * What h2load does as its run ends and what a restarting kube-apiserver may do: 16 requests in
     * flight on one HTTP/2 connection, then the connection reset once the first is answered. The
     * answers that can no longer be written are the client's leaving, not internal errors (each
     * failed write used to be counted, once per stream still open, and logged as a bug).
     */
    @Test
    void aClientResettingItsConnectionWithRequestsInFlightIsNoInternalError() throws Exception {
        double internalErrors = metrics.counter("harbormaster.admission.internal.errors").count();
        byte[] body = Fixtures.review("job-create"); // 16 of them fit in the connection's first flow-control window
        for (int round = 0; round < 5; round++) {
            try (SSLSocket socket = connectHttp2()) {
                java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
                frames.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                frames.write(frame(4, 0, 0, new byte[0]));
                for (int stream = 1; stream < 32; stream += 2) {
                    frames.write(frame(1, 4, stream, POST_VALIDATE_JSON)); // END_HEADERS
                    frames.write(frame(0, 1, stream, body));                // END_STREAM
                }
                socket.getOutputStream().write(frames.toByteArray());
                socket.getOutputStream().flush();
                java.io.DataInputStream in = new java.io.DataInputStream(socket.getInputStream());
                int type;
                do { // frames until the first answer's HEADERS
                    int length = in.readUnsignedShort() << 8 | in.readUnsignedByte();
                    type = in.readUnsignedByte();
                    in.skipNBytes(5L + length);
                } while (type != 1);
                socket.setSoLinger(true, 0); // close with a TCP reset, nothing more read
            }
        }
        Thread.sleep(500);
        assertThat(metrics.counter("harbormaster.admission.internal.errors").count()).isEqualTo(internalErrors);
        Fixtures.client(server).contentType("application/json").body(body).post("validate").then().statusCode(200);
    }

    /** HPACK, no dynamic table: :method POST, :scheme https, :path /validate, :authority localhost, content-type application/json. */
    private static final byte[] POST_VALIDATE_JSON = hpack();

    private static byte[] hpack() {
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        block.write(0x83);
        block.write(0x87);
        block.writeBytes(literal(new byte[] {0x04}, "/validate"));
        block.writeBytes(literal(new byte[] {0x01}, "localhost"));
        block.writeBytes(literal(new byte[] {0x0f, 0x10}, "application/json")); // name index 31, 4-bit prefix
        return block.toByteArray();
    }

    /** A literal header field without indexing, its name by static-table index. */
    private static byte[] literal(byte[] nameIndex, String value) {
        java.io.ByteArrayOutputStream field = new java.io.ByteArrayOutputStream();
        field.writeBytes(nameIndex);
        field.write(value.length());
        field.writeBytes(value.getBytes(StandardCharsets.US_ASCII));
        return field.toByteArray();
    }

    /** Never idle, never done: a byte of body every 300 ms is cut by the request deadline. */
    @Test
    void aClientTricklingItsBodyIsDisconnectedAtTheRequestDeadline() throws Exception {
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            socket.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(closedWhileTrickling(socket, i -> new byte[] {' '})).isBetween(TIMEOUT_MS - 500, TIMEOUT_MS + 5000);
        }
    }

    /**
     * Sends piece 0, 1, 2, … one every 300 ms, reading whatever the server says in between, until the
     * server closes the connection: how long that took, in ms (fails if it has not after 20 s).
     */
    private static long closedWhileTrickling(SSLSocket socket, java.util.function.IntFunction<byte[]> piece) throws IOException {
        socket.setSoTimeout(300);
        OutputStream out = socket.getOutputStream();
        InputStream in = socket.getInputStream();
        long start = System.nanoTime();
        boolean closed = false;
        for (int i = 0; !closed && System.nanoTime() - start < 20_000_000_000L; i++) {
            try {
                out.write(piece.apply(i));
                out.flush();
                while (!closed) {
                    closed = in.read() == -1;
                }
            } catch (java.net.SocketTimeoutException stillOpen) {
                // nothing more to read: go on trickling
            } catch (IOException e) {
                closed = true;
            }
        }
        assertThat(closed).as("closed within 20 s").isTrue();
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** The shipped configuration bounds both (the test profile shortens them). */
    @Test
    void theShippedConfigurationBoundsSlowClients() throws Exception {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("src/main/resources/application.properties"))) {
            shipped.load(in);
        }
        assertThat(java.time.Duration.parse("PT" + shipped.getProperty("quarkus.http.idle-timeout")).toSeconds()).isBetween(1L, 60L);
        // Harbormaster's own default is stated once, on the config mapping.
        String requestTimeout = dev.harbormaster.config.HarbormasterConfig.Http.class.getMethod("requestTimeout")
                .getAnnotation(io.smallrye.config.WithDefault.class).value();
        assertThat(java.time.Duration.parse("PT" + requestTimeout).toSeconds()).isBetween(1L, 30L);
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
        QuarkusMock.installMockForType(new PolicyStore(Optional.empty(), new SimpleMeterRegistry()) {
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

    /** Announced over the limit: refused before the body is sent (a client still sending could not read an answer). */
    @Test
    void aBodyOverTheHttpLimitGetsA413WithTheReason() throws Exception {
        try (SSLSocket socket = connect("TLSv1.3")) {
            socket.startHandshake();
            socket.getOutputStream().write(("POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + (3 * 1024 * 1024 + 1) + "\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answer = new String(socket.getInputStream().readNBytes(2000), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 413").contains("text/plain");
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertThat(body).contains("over the limit of 3145728 bytes (harbormaster.admission.max-request-bytes)").doesNotContain("Exception", "<");
            assertThat(body.strip()).doesNotContain("\n");
        }
    }

    /** Over h2 with no Content-Length (a stream of DATA frames): refused as it arrives, at the same limit. */
    @Test
    void aStreamedBodyOverTheLimitGetsA413WithTheReason() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(Fixtures.trustingTheDevelopmentCa())
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        byte[] big = new byte[3 * 1024 * 1024 + 1];
        java.util.Arrays.fill(big, (byte) ' ');
        var request = java.net.http.HttpRequest.newBuilder(server.toURI().resolve("/validate")).header("Content-Type", "application/json")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build();
        var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).isEqualTo("the body is over the limit of 3145728 bytes (harbormaster.admission.max-request-bytes)\n");
    }

    /** The doors read any declared type as JSON but a form's, which would be decoded as a form. */
    @Test
    void aFormIsRefusedClearly() throws Exception {
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(Fixtures.trustingTheDevelopmentCa()).build();
        Map<String, String> refused = Map.of(
                "Multipart/Form-Data; boundary=x", "Content-Type multipart/form-data is not accepted",
                "application/x-www-form-urlencoded", "Content-Type application/x-www-form-urlencoded is not accepted");
        for (Map.Entry<String, String> form : refused.entrySet()) {
            var request = java.net.http.HttpRequest.newBuilder(server.toURI().resolve("/validate")).header("Content-Type", form.getKey())
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Fixtures.review("job-create"))).build();
            var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(415);
            assertThat(response.body()).startsWith(form.getValue()).endsWith("send the AdmissionReview as Content-Type: application/json\n");
        }
        assertThat(Fixtures.client(server).header("Content-Type", "text/plain").body(Fixtures.review("job-create"))
                .post("validate").then().statusCode(200).extract().asString()).contains("\"allowed\":");
    }

    @Test
    void anUnparseableContentTypeGetsA400WithTheReason() {
        assertOneLine(Fixtures.client(server).header("Content-Type", "json").body(Fixtures.review("job-create"))
                .post("validate"), 400, "Content-Type");
    }

    @Test
    void aGzippedBodyIsRefusedClearly() throws Exception {
        java.io.ByteArrayOutputStream zipped = new java.io.ByteArrayOutputStream();
        try (var gzip = new java.util.zip.GZIPOutputStream(zipped)) {
            gzip.write(Fixtures.review("job-create"));
        }
        assertOneLine(Fixtures.client(server).contentType("application/json").header("Content-Encoding", "gzip").body(zipped.toByteArray())
                .post("validate"), 415, "Content-Encoding gzip is not accepted");
    }

    /** Over h2 (kube-apiserver's protocol) too, without the HTTP/1 Connection header that made curl reset the stream. */
    @Test
    void refusalsBeforeTheBodyAreAnsweredOverHttp2() throws Exception {
        SSLContext context = Fixtures.trustingTheDevelopmentCa();
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(context)
                .version(java.net.http.HttpClient.Version.HTTP_2).build();
        Map<String, String[]> cases = Map.of(
                "415", new String[] {"Content-Encoding", "gzip", "Content-Encoding gzip is not accepted"},
                "400", new String[] {"Content-Type", "json", "Content-Type header"});
        for (Map.Entry<String, String[]> refusal : cases.entrySet()) {
            var request = java.net.http.HttpRequest.newBuilder(server.toURI().resolve("/validate"))
                    .header(refusal.getValue()[0], refusal.getValue()[1])
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(Fixtures.review("job-create"))).build();
            var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(response.statusCode()).isEqualTo(Integer.parseInt(refusal.getKey()));
            assertThat(response.body()).contains(refusal.getValue()[2]);
            // RFC 9113 8.2.2: a connection-specific header makes the response malformed (curl and Go reset the stream).
            assertThat(response.headers().firstValue("connection")).isEmpty();
        }
    }

    @Test
    void aRequestThatIsFineStillIsAnswered() {
        Fixtures.client(server).contentType("application/json").body(Fixtures.review("job-create")).post("validate").then().statusCode(200);
    }
}
