package dev.harbormaster.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * One executable, two lives: with no arguments (or {@code serve}) it is the admission server; with
 * a command ({@code audit}, {@code test}, …) it is a CLI that evaluates files and exits, without
 * starting Quarkus, the server, its TLS listener or its cluster watches.
 */
@QuarkusMain
public class HarbormasterMain {

    public static void main(String... args) {
        if (args.length == 0) {
            Quarkus.run(args);
            return;
        }
        // serve ends in Quarkus, which exits the process itself when the server stops.
        System.exit(Cli.commandLine().execute(args));
    }
}
