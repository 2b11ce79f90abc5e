package dev.harbormaster.policy;

import dev.harbormaster.cel.BundledChecks;
import dev.harbormaster.cel.CelEnvironment;
import dev.harbormaster.cel.CheckedExpressionCache;
import java.nio.file.Path;
import java.util.List;

/**
 * Build step (Maven, after compiling; see the pom): compiles the bundled default pack exactly as
 * the server's first load does and writes the type-checked expressions to {@link BundledChecks#RESOURCE}
 * under the classes folder given. Reads nothing but the pack and the classes: no configuration.
 * A pack that does not load fails the build with the loader's errors.
 */
public final class BundledPackChecks {

    private BundledPackChecks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: BundledPackChecks CLASSES_DIRECTORY");
        }
        String version = CheckedExpressionCache.environmentVersion()
                .orElseThrow(() -> new IllegalStateException("the CEL classes' version cannot be told from the class path"));
        List<PolicySource> files = PolicyLoader.readBundled();
        BundledChecks.Recorder recorder = new BundledChecks.Recorder(version);
        PolicySet set = new PolicyLoader(new CelEnvironment(recorder)).load(files, "the bundled default pack");
        Path resource = Path.of(args[0]).resolve(BundledChecks.RESOURCE);
        recorder.write(resource, PolicyLoader.revision(files));
        System.out.printf("[harbormaster] %d expressions of the %d bundled policies type-checked into %s%n",
                recorder.size(), set.size(), resource);
    }
}
