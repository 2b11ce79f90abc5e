package dev.harbormaster;

import io.quarkus.logging.LoggingFilter;
import java.util.logging.Filter;
import java.util.logging.LogRecord;
import java.util.regex.Pattern;

/**
 * No secret in the log. Quarkus warns about build-time-fixed properties set at run time and quotes
 * their values: QUARKUS_KUBERNETES_CLIENT_TOKEN put the bearer token in the start log. This filter
 * (on every handler) replaces the quoted value of any property whose name says token, password,
 * secret or key, wherever a line quotes one as {@code name is set to 'value'} or {@code name=value}.
 */
@LoggingFilter(name = "redact-secrets")
public final class SecretRedaction implements Filter {

    private static final Pattern QUOTED = Pattern.compile(
            "((?:[\\w.\\-\"]*?)(?:token|password|passphrase|secret|api-key|private-key)[\\w.\\-\"]*\\s+is set to\\s+)'[^']*'",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ASSIGNED = Pattern.compile(
            "((?:[\\w.\\-]*?)(?:token|password|passphrase|secret|api-key|private-key)[\\w.\\-]*=)[^\\s,;]+",
            Pattern.CASE_INSENSITIVE);

    @Override
    public boolean isLoggable(LogRecord record) {
        String message = record.getMessage();
        if (message != null) {
            String redacted = redact(message);
            if (!redacted.equals(message)) {
                record.setMessage(redacted);
            }
        }
        return true;
    }

    static String redact(String message) {
        return ASSIGNED.matcher(QUOTED.matcher(message).replaceAll("$1'(redacted)'")).replaceAll("$1(redacted)");
    }
}
