package dev.harbormaster.cli;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which policies a command runs: the bundled default pack, or the directories given. */
final class PolicyOptions {

    @Option(names = {"-p", "--policies"}, paramLabel = "DIR",
            description = "Policy directory (repeatable). Default: the bundled default pack.")
    List<Path> directories = new ArrayList<>();

    @Option(names = "--cost-limit", paramLabel = "COST", defaultValue = "1000000",
            description = "Cost one expression may take, as the server's harbormaster.cel.cost-limit (default: ${DEFAULT-VALUE}).")
    long costLimit;

    CelEnvironment cel() {
        return new CelEnvironment();
    }

    /** The server's default bounds, with this run's per-expression limit. */
    EvaluationLimits limits() {
        return EvaluationLimits.withExpressionCost(costLimit);
    }

    List<PolicySource> sources() throws IOException {
        if (directories.isEmpty()) {
            return PolicyLoader.readBundled();
        }
        List<PolicySource> sources = new ArrayList<>();
        for (Path directory : directories) {
            sources.addAll(PolicyLoader.readDirectory(directory));
        }
        return sources;
    }

    /** Loads the policies; what the load warns about goes to {@code err}, beside the command's output. */
    PolicySet load(java.io.PrintWriter err) throws IOException, PolicyLoadException {
        return load(err, List.of());
    }

    /** The policies and more documents beside them (PolicyExceptions), loaded as one set. */
    PolicySet load(java.io.PrintWriter err, List<PolicySource> more) throws IOException, PolicyLoadException {
        List<PolicySource> all = new ArrayList<>(sources());
        all.addAll(more);
        PolicySet set = new PolicyLoader(cel()).load(all, describe());
        set.warnings().forEach(warning -> err.println("warning: " + warning));
        return set;
    }

    String describe() {
        return directories.isEmpty() ? "the bundled default pack" : directories.toString();
    }
}
