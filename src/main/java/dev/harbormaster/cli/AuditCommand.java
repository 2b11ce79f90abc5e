package dev.harbormaster.cli;

import dev.harbormaster.audit.ManifestAudit;
import dev.harbormaster.audit.ManifestReader;
import dev.harbormaster.cluster.ClusterView;
import dev.harbormaster.engine.Engine;
import dev.harbormaster.policy.PolicyLoadException;
import dev.harbormaster.policy.PolicySet;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Evaluates manifests as the cluster would, before they are applied. */
@Command(name = "audit", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Evaluate manifests as CREATE requests (UPDATE with --old), mutations first, then validations.",
                "The table lists the findings (objects without one are counted in the last line); -o json lists every object.",
                "Exit code: 0 clean (warnings allowed), 1 a Deny policy is violated, 2 unusable input or policies.",
                "Example: helm template my-chart | harbormaster audit -"})
final class AuditCommand implements Callable<Integer> {

    /** The namespace of objects that name none, when -n is not given: kubectl's without a context namespace. */
    static final String DEFAULT_NAMESPACE = "default";

    @Parameters(paramLabel = "FILE", arity = "0..*", description = "Manifest files, directories (recursive), or - for standard input.")
    List<String> inputs = new ArrayList<>();

    @Option(names = {"-f", "--filename"}, paramLabel = "FILE", description = "A manifest file, directory or - (repeatable), as kubectl's -f.")
    List<String> filenames = new ArrayList<>();

    @Option(names = {"-n", "--namespace"}, paramLabel = "NAMESPACE",
            description = "The namespace of objects that name none (default: " + DEFAULT_NAMESPACE
                    + "); an object naming another one is refused, as kubectl does.")
    String namespace;

    @Option(names = "--skip", paramLabel = "GLOB",
            description = "Files not to read (repeatable): a glob without '/' matches the file name (values.yaml, '*.tpl.yaml'), one with '/' its path ('charts/**').")
    List<String> skip = new ArrayList<>();

    @Mixin
    PolicyOptions policies;

    @Option(names = "--mode", defaultValue = "enforce", paramLabel = "MODE",
            description = "enforce, or audit (every Deny acts as Warn + Audit). Default: ${DEFAULT-VALUE}.")
    String mode;

    @Option(names = "--old", paramLabel = "FILE", description = "Earlier versions of the objects: those match by kind, namespace and name and are checked as UPDATEs.")
    List<String> old = new ArrayList<>();

    @Option(names = "--cluster-state", paramLabel = "FILE",
            description = "What the cluster already holds (PDBs, HPAs, Namespaces, Deployments, StatefulSets), for the rules that look it up.")
    List<String> clusterState = new ArrayList<>();

    @Option(names = "--offline", description = "Do not take the objects given as the cluster's state: rules that need the cluster warn that they could not check, as a server without a cluster does.")
    boolean offline;

    @Option(names = "--exceptions", paramLabel = "FILE|DIR",
            description = "PolicyException files or directories (repeatable), as applied to the cluster: exempted results show as Skip with the exception and its reason.")
    List<java.nio.file.Path> exceptions = new ArrayList<>();

    @Option(names = {"-o", "--output"}, defaultValue = "table", paramLabel = "FORMAT",
            description = "table, json, junit or sarif. Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = {"-q", "--quiet"}, description = "Table: the finding rows only (no diffs, no summary), and no notices on standard error.")
    boolean quiet;

    @Option(names = "--summary", description = "Table: counts per policy and per namespace after the findings.")
    boolean summary;

    @Option(names = "--no-diff", description = "Table: leave out the diffs of mutated objects.")
    boolean noDiff;

    @Spec
    CommandSpec spec;

    /** The exception files: a directory read as a policy directory is, a file as it is. */
    private List<dev.harbormaster.policy.PolicySource> exceptionSources() throws IOException {
        List<dev.harbormaster.policy.PolicySource> sources = new ArrayList<>();
        for (java.nio.file.Path path : exceptions) {
            if (java.nio.file.Files.isDirectory(path)) {
                sources.addAll(dev.harbormaster.policy.PolicyLoader.readDirectory(path));
            } else if (java.nio.file.Files.isRegularFile(path)) {
                sources.add(new dev.harbormaster.policy.PolicySource(path.toString(), dev.harbormaster.policy.PolicyLoader.readText(path)));
            } else {
                throw new IOException("--exceptions " + path + ": no such file or directory");
            }
        }
        return sources;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        ReportWriter.Format format;
        Engine.Mode engineMode;
        try {
            format = ReportWriter.Format.valueOf(output.toUpperCase(java.util.Locale.ROOT));
            engineMode = Engine.Mode.valueOf(mode.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return usage("--output takes table, json, junit or sarif, and --mode enforce or audit");
        }
        List<String> manifests = new ArrayList<>(inputs);
        manifests.addAll(filenames);
        if (manifests.isEmpty()) {
            return usage("no manifests given: name files or directories, -f FILE, or - for standard input");
        }
        if (Stream.of(manifests, old, clusterState).flatMap(List::stream).filter("-"::equals).count() > 1) {
            return usage("- (standard input) is given more than once; it can be read only once");
        }
        PolicySet set;
        try {
            set = policies.load(err, exceptionSources());
        } catch (IOException | PolicyLoadException e) {
            err.println("harbormaster audit: " + e.getMessage());
            err.flush();
            return 2;
        }
        ManifestReader.Options reading = new ManifestReader.Options(skip, namespace == null ? DEFAULT_NAMESPACE : namespace, namespace != null);
        ManifestReader.Result read = ManifestReader.read(manifests, System.in, reading);
        ManifestReader.Result oldRead = ManifestReader.read(old, System.in, reading);
        ManifestReader.Result stateRead = ManifestReader.read(clusterState, System.in, reading);
        List<ManifestReader.Problem> errors = new ArrayList<>(read.errors());
        errors.addAll(oldRead.errors());
        errors.addAll(stateRead.errors());
        List<ManifestReader.Problem> notices = new ArrayList<>(read.notices());
        notices.addAll(oldRead.notices());
        notices.addAll(stateRead.notices());

        ClusterView cluster = offline ? ClusterView.OFFLINE : ManifestAudit.clusterOf(read.manifests(), stateRead.manifests());
        List<ManifestAudit.ObjectReport> reports = new ManifestAudit(new Engine(engineMode, policies.limits()), set)
                .audit(read.manifests(), oldRead.manifests(), cluster);
        ReportWriter.write(format, new ReportWriter.Audit(reports, errors, notices, set),
                new ReportWriter.TableOptions(quiet, summary, !noDiff), spec.commandLine().getOut());
        if (!quiet) {
            notices.forEach(notice -> err.println("harbormaster audit: note: " + notice));
        }
        errors.forEach(error -> err.println("harbormaster audit: unusable input: " + error));
        err.flush();
        if (!errors.isEmpty()) {
            return 2;
        }
        return reports.stream().allMatch(ManifestAudit.ObjectReport::allowed) ? 0 : 1;
    }

    private int usage(String message) {
        spec.commandLine().getErr().println("harbormaster audit: " + message);
        spec.commandLine().getErr().println("Try 'harbormaster audit --help'.");
        spec.commandLine().getErr().flush();
        return 2;
    }
}
