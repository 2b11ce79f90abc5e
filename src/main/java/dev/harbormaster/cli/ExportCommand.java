package dev.harbormaster.cli;

import dev.harbormaster.intree.Export;
import dev.harbormaster.intree.Lowering;
import dev.harbormaster.policy.PolicyLoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import dev.harbormaster.policy.PolicySource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code harbormaster export}: the policies in another form. */
@Command(name = "export", description = "Write the policies in another form.", subcommands = ExportCommand.Vap.class)
final class ExportCommand {

    @Command(name = "vap", description = {
            "Lower each policy to a ValidatingAdmissionPolicy (or, for a mutating one, a MutatingAdmissionPolicy) with its",
            "binding and PolicyParams object, for kube-apiserver to run itself. A policy that needs the webhook is reported",
            "with the reason. Exit 0 when every policy lowered, 1 when some did not, 2 when the policies do not load."})
    static final class Vap implements Callable<Integer> {

        @Mixin
        PolicyOptions policies;

        @Option(names = {"-o", "--output"}, paramLabel = "DIR", defaultValue = "in-tree",
                description = "Directory to write to (default: ${DEFAULT-VALUE}); files of the same names are replaced.")
        Path output;

        @Spec
        picocli.CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                // Only policies that load are lowered: the same errors as audit and test, first.
                policies.load(err);
                List<PolicySource> sources = new ArrayList<>(policies.base());
                sources.addAll(policies.own());
                Export.Exported exported = Export.export(sources);
                Export.write(exported, output);
                int refused = 0;
                for (Lowering.Result result : exported.results()) {
                    if (result.lowered()) {
                        out.println("lowered      " + result.policy());
                    } else {
                        refused++;
                        out.println("not lowered  " + result.policy() + ": " + result.refusal());
                    }
                }
                out.println("wrote " + exported.files().size() + " files to " + output + " (" + Export.REPORT + " lists the webhook rules still needed)");
                out.flush();
                return refused == 0 ? 0 : 1;
            } catch (PolicyLoadException e) {
                e.errors().forEach(error -> err.println("error: " + error));
                return 2;
            } catch (IOException e) {
                err.println("error: " + e.getMessage());
                return 2;
            }
        }
    }
}
