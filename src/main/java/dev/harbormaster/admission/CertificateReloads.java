package dev.harbormaster.admission;

import io.quarkus.tls.CertificateUpdatedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.tls.TlsConfigurationRegistry;
import jakarta.inject.Inject;
import java.security.cert.X509Certificate;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Says when the serving certificate really changed. The TLS registry reloads every reload-period
 * and Quarkus logs "has been updated" at info each time, changed or not (twice a minute, for
 * nothing); that logger is set to warn in application.properties, and this one logs a change.
 */
@ApplicationScoped
@io.quarkus.runtime.Startup // the expiry gauge is read at start, before the first reload
public class CertificateReloads {

    private static final Logger LOG = Logger.getLogger(CertificateReloads.class);
    private final Map<String, String> served = new ConcurrentHashMap<>();
    /** When the serving certificate stops being valid (Unix seconds); NaN while it cannot be read. */
    private final AtomicReference<Double> notAfter = new AtomicReference<>(Double.NaN);

    @Inject
    CertificateReloads(MeterRegistry metrics, TlsConfigurationRegistry registry,
                       @ConfigProperty(name = "quarkus.http.tls-configuration-name") String served) {
        Gauge.builder("harbormaster.serving.certificate.not.after.timestamp.seconds", notAfter, AtomicReference::get)
                .description("When the admission port's certificate expires (Unix time in seconds, the earliest in the chain); "
                        + "updated when the TLS registry reloads it")
                .strongReference(true)
                .register(metrics);
        registry.get(served).ifPresent(configuration -> notAfter.set(notAfter(configuration.getKeyStore())));
    }

    void reloaded(@Observes CertificateUpdatedEvent event) {
        notAfter.set(notAfter(event.tlsConfiguration().getKeyStore()));
        String fingerprint = fingerprint(event.tlsConfiguration().getKeyStore());
        if (changed(event.name(), fingerprint)) {
            LOG.infof("TLS configuration %s reloaded with a new certificate (SHA-256 %s)", event.name(), fingerprint);
        } else {
            LOG.debugf("TLS configuration %s reloaded, certificate unchanged", event.name());
        }
    }

    /** True when the configuration now serves another certificate than at its last reload (the first reload is no change). */
    boolean changed(String name, String fingerprint) {
        String before = served.put(name, fingerprint);
        return before != null && !before.equals(fingerprint);
    }

    /** The earliest notAfter of the certificates served (leaf and chain), in Unix seconds; NaN when there is none. */
    static double notAfter(KeyStore store) {
        double earliest = Double.NaN;
        try {
            if (store != null) {
                for (String alias : java.util.Collections.list(store.aliases())) {
                    Certificate[] chain = store.getCertificateChain(alias);
                    for (Certificate certificate : chain == null ? new Certificate[] {store.getCertificate(alias)} : chain) {
                        if (certificate instanceof X509Certificate x509) {
                            double seconds = x509.getNotAfter().toInstant().getEpochSecond();
                            earliest = Double.isNaN(earliest) ? seconds : Math.min(earliest, seconds);
                        }
                    }
                }
            }
        } catch (java.security.KeyStoreException e) {
            LOG.warnf("cannot read the serving certificate's expiry: %s", e.getMessage());
        }
        return earliest;
    }

    static String fingerprint(KeyStore store) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            if (store != null) {
                for (String alias : java.util.Collections.list(store.aliases())) {
                    Certificate certificate = store.getCertificate(alias);
                    if (certificate != null) {
                        sha.update(certificate.getEncoded());
                    }
                }
            }
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (Exception e) {
            return "unknown";
        }
    }
}
