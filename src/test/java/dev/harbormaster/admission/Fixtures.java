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

    /** A TLS context that trusts only the development CA, for clients other than rest-assured (java.net.http). */
    public static javax.net.ssl.SSLContext trustingTheDevelopmentCa() throws java.security.GeneralSecurityException {
        javax.net.ssl.TrustManagerFactory trust = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        trust.init(developmentCa());
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }

    /** A TLS context that accepts any certificate: for tests about the handshake itself (protocols, suites, the certificate served). */
    public static javax.net.ssl.SSLContext trustingAnyCertificate() throws java.security.GeneralSecurityException {
        javax.net.ssl.SSLContext context = javax.net.ssl.SSLContext.getInstance("TLS");
        context.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String type) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String type) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        return context;
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
