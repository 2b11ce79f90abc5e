package dev.harbormaster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.logging.Level;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.Test;

class SecretRedactionTest {

    /** The line Quarkus wrote at start with QUARKUS_KUBERNETES_CLIENT_TOKEN set. */
    @Test
    void theBuildTimeMismatchWarningDoesNotQuoteTheToken() {
        LogRecord record = new LogRecord(Level.WARNING, "Build time property cannot be changed at runtime:\n"
                + " - quarkus.kubernetes-client.token is set to '5SUAy7xq.secret-bearer' but it is build time fixed to 'null'."
                + " Did you change the property quarkus.kubernetes-client.token after building the application?\n"
                + " - quarkus.kubernetes-client.api-server-url is set to 'https://10.0.0.1:6443' but it is build time fixed to 'null'.");
        assertThat(new SecretRedaction().isLoggable(record)).isTrue();
        assertThat(record.getMessage())
                .doesNotContain("5SUAy7xq")
                .contains("quarkus.kubernetes-client.token is set to '(redacted)'")
                .as("what is not secret stays").contains("'https://10.0.0.1:6443'");
    }

    @Test
    void assignedSecretsAreRedactedToo() {
        assertThat(SecretRedaction.redact("connecting with kubernetes.auth.token=abc123 and user=admin"))
                .isEqualTo("connecting with kubernetes.auth.token=(redacted) and user=admin");
    }

    @Test
    void theFilterIsOnTheConsole() throws Exception {
        java.util.Properties shipped = new java.util.Properties();
        try (var in = java.nio.file.Files.newInputStream(java.nio.file.Path.of("src/main/resources/application.properties"))) {
            shipped.load(in);
        }
        assertThat(shipped.getProperty("quarkus.log.console.filter")).isEqualTo("redact-secrets");
    }
}
