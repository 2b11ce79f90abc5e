package dev.harbormaster.packaged;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * What the packaged application is given at run time to serve in a test, as the chart gives it in
 * a pod: the serving certificate's directory (the build's development certificate) and a free
 * management port (in its production profile it would take 9000, which a test cannot count on), and
 * the decision log in the log file the test reads.
 */
public class PackagedServer implements QuarkusTestResourceLifecycleManager {

    /** The management port the running packaged application was given (Quarkus' test injection knows only its own). */
    private static volatile int managementPort;

    /** Health and metrics of the packaged application now running. */
    public static String managementBase() {
        return "http://localhost:" + managementPort;
    }

    @Override
    public Map<String, String> start() {
        return settings(Map.of());
    }

    /** The run-time settings every packaged run needs, plus those given. */
    static Map<String, String> settings(Map<String, String> more) {
        managementPort = freePort();
        Map<String, String> settings = new HashMap<>(more);
        settings.put("harbormaster.tls.dir", Path.of("target/dev-certs").toAbsolutePath().toString());
        settings.put("quarkus.management.port", Integer.toString(managementPort));
        // Quarkus' launcher keeps the process's log file (target/quarkus.log), not its standard output, where the
        // decision log writes: a file handler for it there too, so a test reads its lines as the production formatter left them.
        settings.put("quarkus.log.handler.file.\"decisions-file\".enabled", "true");
        settings.put("quarkus.log.handler.file.\"decisions-file\".path", Path.of("target/quarkus.log").toAbsolutePath().toString());
        settings.put("quarkus.log.handler.file.\"decisions-file\".format", "%s%n");
        settings.put("quarkus.log.category.\"harbormaster.decision\".handlers", "decisions,decisions-file");
        return settings;
    }

    /**
     * The message of the running application's "loaded N policies" line (its first load), from the
     * process's log (target/quarkus.log, JSON lines in the production profile); the last such line,
     * as an earlier run's may precede it.
     */
    public static String firstLoadMessage() throws IOException {
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        String message = null;
        for (String line : java.nio.file.Files.readAllLines(Path.of("target/quarkus.log"), java.nio.charset.StandardCharsets.UTF_8)) {
            if (line.startsWith("{")) {
                var entry = json.readTree(line);
                if (entry.path("loggerName").asText().equals("dev.harbormaster.policy.PolicyStore")
                        && entry.path("message").asText().startsWith("loaded ")) {
                    message = entry.path("message").asText();
                }
            }
        }
        if (message == null) {
            throw new AssertionError("no \"loaded N policies\" line in target/quarkus.log");
        }
        return message;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void stop() {
    }
}
