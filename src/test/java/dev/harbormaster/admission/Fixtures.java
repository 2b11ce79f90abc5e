package dev.harbormaster.admission;

import io.restassured.RestAssured;
import io.restassured.config.SSLConfig;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;

/** The captured kube-apiserver requests, and a client that talks TLS to the server as kube-apiserver does. */
public final class Fixtures {

    static final Path ADMISSION_REVIEWS = Path.of("../shared/fixtures/admission-reviews");

    private Fixtures() {
    }

    public static byte[] review(String name) {
        try {
            return Files.readAllBytes(ADMISSION_REVIEWS.resolve(name + ".json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A client that trusts only the development CA, so the certificate and its SANs are really checked. */
    public static RequestSpecification client(URL base) {
        return RestAssured.given().baseUri(base.toString()).config(RestAssured.config().sslConfig(
                SSLConfig.sslConfig().trustStore(developmentCa())));
    }

    private static KeyStore developmentCa() {
        try (InputStream in = Files.newInputStream(Path.of("target/dev-certs/ca.crt"))) {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            store.setCertificateEntry("harbormaster-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
            return store;
        } catch (Exception e) {
            throw new IllegalStateException("the development CA (target/dev-certs/ca.crt) is missing: run the build", e);
        }
    }
}
