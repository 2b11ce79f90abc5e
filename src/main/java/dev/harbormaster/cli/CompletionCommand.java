package dev.harbormaster.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Prints the shell completion script (picocli's generator, so it always follows the options). */
@Command(name = "completion", mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Print a completion script for bash or zsh.",
                "bash: source <(harbormaster completion bash)",
                "zsh:  autoload -U +X bashcompinit && bashcompinit; source <(harbormaster completion zsh)"})
final class CompletionCommand implements Callable<Integer> {

    @Parameters(paramLabel = "SHELL", description = "bash or zsh (the script serves both).")
    String shell;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            spec.commandLine().getErr().println("harbormaster completion: '" + shell + "' is not a supported shell: bash or zsh");
            return 2;
        }
        spec.commandLine().getOut().print(AutoComplete.bash("harbormaster", spec.root().commandLine()));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
