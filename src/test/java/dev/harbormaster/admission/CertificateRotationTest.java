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
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;

/** A renewed certificate (a rotated Secret) is served without a restart. */
@QuarkusTest
@TestProfile(CertificateRotationTest.RotatingCertificates.class)
class CertificateRotationTest {

    static final Path SERVING = Path.of("target/rotation-certs/serving");

    public static class RotatingCertificates implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            makeCertificate(SERVING);
            return Map.of("harbormaster.tls.dir", SERVING.toString(), "quarkus.tls.webhook.reload-period", "1s");
        }
    }

    static void makeCertificate(Path dir) {
        try {
            ProcessBuilder builder = new ProcessBuilder("bash", "certs/make-certs.sh", dir.toString()).inheritIO();
            builder.environment().put("FORCE", "1");
            Process process = builder.start();
            assertThat(process.waitFor()).isZero();
        } catch (Exception e) {
            throw new IllegalStateException("certs/make-certs.sh failed", e);
        }
    }

    @Test
    void aReplacedCertificateIsServedWithoutARestart() throws Exception {
        BigInteger before = servedSerial();

        Path renewed = Path.of("target/rotation-certs/renewed");
        makeCertificate(renewed);
        // As a Secret volume does: the new files appear, the old ones go.
        Files.copy(renewed.resolve("tls.key"), SERVING.resolve("tls.key"), StandardCopyOption.REPLACE_EXISTING);
        Files.copy(renewed.resolve("tls.crt"), SERVING.resolve("tls.crt"), StandardCopyOption.REPLACE_EXISTING);
        BigInteger expected = serial(renewed.resolve("tls.crt"));
        assertThat(expected).isNotEqualTo(before);

        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(250)).until(() -> servedSerial().equals(expected));
    }

    private static BigInteger serial(Path pem) throws Exception {
        try (var in = Files.newInputStream(pem)) {
            return ((X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(in)).getSerialNumber();
        }
    }

    /** The serial number of the certificate the server presents on the admission port. */
    private static BigInteger servedSerial() throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String type) { }
            public void checkServerTrusted(X509Certificate[] chain, String type) { }
            public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
        }}, null);
        try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("localhost", 8444)) {
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        }
    }
}
