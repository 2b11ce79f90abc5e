package dev.harbormaster.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The executable's commands. Every subcommand is registered here, in {@link #commandLine()}, and
 * nowhere else: a new command is one line there and one class.
 */
@Command(name = "harbormaster", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Kubernetes admission policies in CEL: serve them as a webhook, or run them over manifests.",
        footer = {"", "Without a command it starts the admission server, as 'serve' does.",
                "Exit codes: 0 clean, 1 a Deny policy is violated (or a test failed), 2 unusable input or policies."})
public class Cli {

    /** The command tree, with every subcommand; what the executable and the tests run. */
    public static CommandLine commandLine() {
        CommandLine line = new CommandLine(new Cli())
                .addSubcommand(new ServeCommand())
                .addSubcommand(new AuditCommand())
                .addSubcommand(new TestCommand())
                .addSubcommand(new ExportCommand())
                .addSubcommand(new VersionCommand())
                .addSubcommand(new CompletionCommand());
        // Bad usage is exit 2 with one line and the usage hint, as for bad input.
        line.setParameterExceptionHandler((ex, args) -> {
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, ex.getCommandLine().getErr());
            ex.getCommandLine().getErr().println("harbormaster: " + ex.getMessage());
            ex.getCommandLine().getErr().println("Try '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return 2;
        });
        return line;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"harbormaster " + version()};
        }

        /** The build's version, from the jar's manifest (Quarkus writes it), or "development build". */
        static String version() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return version == null ? "development build" : version;
        }
    }

    @Command(name = "version", mixinStandardHelpOptions = true, versionProvider = Version.class, description = "Print the version.")
    static final class VersionCommand implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().getOut().println(new Version().getVersion()[0]);
            spec.commandLine().getOut().flush();
        }
    }
}
