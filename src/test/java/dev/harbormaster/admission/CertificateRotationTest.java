package dev.harbormaster.admission;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** A renewed certificate (a rotated Secret) is served without a restart. */
@QuarkusTest
@TestProfile(CertificateRotationTest.RotatingCertificates.class)
class CertificateRotationTest {

    @io.quarkus.test.common.http.TestHTTPResource(value = "/", tls = true)
    java.net.URL server;
    @jakarta.inject.Inject
    CertificateReloads reloads;
    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    private double notAfterGauge() {
        return metrics.get("harbormaster.serving.certificate.not.after.timestamp.seconds").gauge().value();
    }

    private static double notAfter(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in))
                    .getNotAfter().toInstant().getEpochSecond();
        }
    }

    /** Laid out as kubelet mounts a Secret: tls.crt -> ..data/tls.crt, ..data -> the current generation. */
    static final Path SERVING = Path.of("target/rotation-certs/serving");

    public static class RotatingCertificates implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            try {
                deleteRecursively(SERVING.getParent());
                Files.createDirectories(SERVING);
                makeCertificate(SERVING.resolve("..gen1"));
                Files.createSymbolicLink(SERVING.resolve("..data"), Path.of("..gen1"));
                Files.createSymbolicLink(SERVING.resolve("tls.crt"), Path.of("..data/tls.crt"));
                Files.createSymbolicLink(SERVING.resolve("tls.key"), Path.of("..data/tls.key"));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return Map.of("harbormaster.tls.dir", SERVING.toString(), "quarkus.tls.webhook.reload-period", "1s");
        }
    }

    static void deleteRecursively(Path dir) throws java.io.IOException {
        if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            try (var paths = Files.walk(dir)) {
                for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
    }

    static void makeCertificate(Path dir) {
        makeCertificate(dir, 365);
    }

    static void makeCertificate(Path dir, int days) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "certs/make-certs.sh", dir.toString()).inheritIO();
            builder.environment().put("FORCE", "1");
            builder.environment().put("DAYS", String.valueOf(days));
            Process process = builder.start();
            assertThat(process.waitFor()).isZero();
        } catch (Exception e) {
            throw new IllegalStateException("certs/make-certs.sh failed", e);
        }
    }

    @Test
    void aReplacedCertificateIsServedWithoutARestart() throws Exception {
        BigInteger before = servedSerial();
        assertThat(notAfterGauge()).as("the expiry gauge from the start").isEqualTo(notAfter(SERVING.resolve("..gen1/tls.crt")));

        // As kubelet updates a Secret volume: a new generation, then one atomic swap of ..data.
        Path renewed = SERVING.resolve("..gen2");
        makeCertificate(renewed, 30); // another expiry, so that the gauge's change shows
        Files.createSymbolicLink(SERVING.resolve("..data_tmp"), Path.of("..gen2"));
        Files.move(SERVING.resolve("..data_tmp"), SERVING.resolve("..data"), StandardCopyOption.ATOMIC_MOVE);
        BigInteger expected = serial(renewed.resolve("tls.crt"));
        assertThat(expected).isNotEqualTo(before);

        // A handshake at the moment Vert.x swaps its TLS context can be reset (a race in Vert.x, seen
        // about once in three runs with a reload every second); a client retries, and so does this.
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250))
                .ignoreExceptionsInstanceOf(javax.net.ssl.SSLException.class).until(() -> servedSerial().equals(expected));
        await().atMost(Duration.ofSeconds(5)).ignoreExceptionsInstanceOf(javax.net.ssl.SSLException.class)
                .untilAsserted(() -> assertThat(servedSerial()).as("and it keeps serving it").isEqualTo(expected));
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(notAfterGauge()).as("the expiry gauge follows the reload")
                .isEqualTo(notAfter(renewed.resolve("tls.crt"))));
    }

    /** Reloads every second here: only the change is news, and Quarkus' line for every reload stays quiet. */
    @Test
    void onlyAChangedCertificateIsLoggedAtInfo() throws Exception {
        // A configuration name of its own, so that the server's reloads of "webhook" do not interleave.
        assertThat(reloads.changed("rotation-test", "a")).isFalse();
        assertThat(reloads.changed("rotation-test", "a")).isFalse();
        assertThat(reloads.changed("rotation-test", "b")).isTrue();
        java.util.Properties shipped = new java.util.Properties();
        try (var in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
            shipped.load(in);
        }
        assertThat(shipped.getProperty("quarkus.log.category.\"io.quarkus.vertx.http.runtime.HttpCertificateUpdateEventListener\".level"))
                .isEqualTo("WARN");
        assertThat(org.jboss.logmanager.LogManager.getLogManager().getLogger("io.quarkus.vertx.http.runtime.HttpCertificateUpdateEventListener")
                .isLoggable(java.util.logging.Level.INFO)).as("in the running server").isFalse();
    }

    private static BigInteger serial(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    /** The serial number of the certificate the server presents on the admission port. */
    private BigInteger servedSerial() throws Exception {
        SSLContext context = Fixtures.trustingAnyCertificate();
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", server.getPort())) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
