package dev.harbormaster.cli;

import picocli.CommandLine.Command;

/** The commands of the executable besides {@code serve} (which starts the server). */
@Command(name = "harbormaster", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = "Kubernetes admission policies in CEL: serve them as a webhook, or run them over manifests.",
        subcommands = {AuditCommand.class, TestCommand.class, ExportCommand.class, Cli.VersionCommand.class},
        footer = {"", "Without a command, or with 'serve', it starts the admission server."})
public class Cli {

    static final class Version implements picocli.CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Cli.class.getPackage().getImplementationVersion();
            return new String[] {"harbormaster " + (version == null ? "development build" : version)};
        }
    }

    @Command(name = "version", description = "Print the version.")
    static final class VersionCommand implements Runnable {
        @Override
        public void run() {
            System.out.println(new Version().getVersion()[0]);
        }
    }
}
