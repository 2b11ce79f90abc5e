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
import org.jboss.logging.Logger;

/**
 * Says when the serving certificate really changed. The TLS registry reloads every reload-period
 * and Quarkus logs "has been updated" at info each time, changed or not (twice a minute, for
 * nothing); that logger is set to warn in application.properties, and this one logs a change.
 */
@ApplicationScoped
public class CertificateReloads {

    private static final Logger LOG = Logger.getLogger(CertificateReloads.class);
    private final Map<String, String> served = new ConcurrentHashMap<>();

    void reloaded(@Observes CertificateUpdatedEvent event) {
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
