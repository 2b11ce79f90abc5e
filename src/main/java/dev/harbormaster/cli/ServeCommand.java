package dev.harbormaster.cli;

import io.quarkus.runtime.Quarkus;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * Starts the admission server. Its settings are Quarkus configuration (application.properties,
 * {@code HARBORMASTER_*} environment variables, {@code -Dharbormaster.*=…}), not options, so
 * anything after {@code serve} but {@code --help} and {@code --version} goes to Quarkus as it is.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Start the admission server (the default with no command).",
                "It is configured by harbormaster.* settings: application.properties, HARBORMASTER_* environment variables",
                "or -Dharbormaster.*=... system properties; see the README's configuration table."})
final class ServeCommand implements Callable<Integer> {

    /** What is not --help or --version, in order; Quarkus reads its own arguments. */
    @Unmatched
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        Quarkus.run(arguments.toArray(String[]::new));
        return 0;
    }
}
