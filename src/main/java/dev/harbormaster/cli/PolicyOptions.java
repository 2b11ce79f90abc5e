package dev.harbormaster.cli;

import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CheckedExpressionCache;
import dev.harbormaster.cel.EvaluationLimits;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import dev.harbormaster.policy.PolicySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which policies a command runs: the bundled default pack and the directories given, and how they are compiled. */
final class PolicyOptions {

    @Option(names = {"-p", "--policies"}, paramLabel = "DIR",
            description = "Policy directory (repeatable), added to the bundled default pack; a policy named as a bundled one replaces it.")
    List<Path> directories = new ArrayList<>();

    @Option(names = "--no-default-policies", description = "Leave the bundled default pack out: only the --policies directories.")
    boolean noDefaultPolicies;

    @Option(names = "--cost-limit", paramLabel = "COST", defaultValue = "1000000",
            description = "Cost one expression may take, as the server's harbormaster.cel.cost-limit (default: ${DEFAULT-VALUE}).")
    long costLimit;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where type-checked expressions are kept between runs. Default: $XDG_CACHE_HOME/harbormaster/cel, else ~/.cache/harbormaster/cel.")
    Path cacheDirectory;

    @Option(names = "--no-cache", description = "Type-check every expression again; read and write no cache.")
    boolean noCache;

    /** The environment, with the checked-expression cache unless it is turned off or this build's version cannot be told. */
    CelEnvironment cel() {
        if (noCache) {
            return new CelEnvironment();
        }
        CheckedExpressionCache cache = cacheDirectory == null ? CheckedExpressionCache.forUser(System.getenv()).orElse(null)
                : CheckedExpressionCache.environmentVersion().map(version -> new CheckedExpressionCache(cacheDirectory, version)).orElse(null);
        return new CelEnvironment(cache);
    }

    /** The server's default bounds, with this run's per-expression limit. */
    EvaluationLimits limits() {
        return EvaluationLimits.withExpressionCost(costLimit);
    }

    /** The bundled pack, unless left out. */
    List<PolicySource> base() throws IOException {
        return noDefaultPolicies ? List.of() : PolicyLoader.readBundled();
    }

    /** The directories given, in order. */
    List<PolicySource> own() throws IOException {
        List<PolicySource> sources = new ArrayList<>();
        for (Path directory : directories) {
            sources.addAll(PolicyLoader.readDirectory(directory));
        }
        return sources;
    }

    /** Refuses what would load nothing. */
    void check() throws IOException {
        if (noDefaultPolicies && directories.isEmpty()) {
            throw new IOException("--no-default-policies leaves no policies: give --policies DIR");
        }
    }

    /** Loads the policies; what the load warns about goes to {@code err}, beside the command's output. */
    PolicySet load(PrintWriter err) throws IOException, PolicyLoadException {
        return load(err, List.of());
    }

    /** The policies and more documents beside them (PolicyExceptions), loaded as one set. */
    PolicySet load(PrintWriter err, List<PolicySource> more) throws IOException, PolicyLoadException {
        check();
        List<PolicySource> own = new ArrayList<>(own());
        own.addAll(more);
        PolicySet set = new PolicyLoader(cel()).load(base(), own, describe());
        set.warnings().forEach(warning -> err.println("warning: " + warning));
        return set;
    }

    String describe() {
        if (directories.isEmpty()) {
            return "the bundled default pack";
        }
        return (noDefaultPolicies ? "" : "the bundled default pack and ") + directories.stream().map(Path::toString).toList();
    }
}
