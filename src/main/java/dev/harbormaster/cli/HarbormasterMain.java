package dev.harbormaster.cli;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import picocli.CommandLine;

/**
 * One executable, two lives: with no arguments (or {@code serve}) it is the admission server; with
 * a command ({@code audit}, {@code test}, {@code version}) it is a CLI that evaluates files and
 * exits, without starting the server, its TLS listener or its cluster watches.
 */
@QuarkusMain
public class HarbormasterMain {

    public static void main(String... args) {
        if (args.length == 0 || args[0].equals("serve")) {
            Quarkus.run(args.length == 0 ? args : java.util.Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        System.exit(new CommandLine(new Cli()).execute(args));
    }
}
