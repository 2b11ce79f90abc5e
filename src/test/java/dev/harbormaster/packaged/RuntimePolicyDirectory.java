package dev.harbormaster.packaged;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A policy directory and a cost limit given to the packaged application only when it starts, as
 * the chart gives them (a mounted ConfigMap, an environment variable). A native executable that
 * loaded its policies while the image was built would answer from the bundled pack instead.
 */
public class RuntimePolicyDirectory implements QuarkusTestResourceLifecycleManager {

    /** Where the policies are, for the test that adds one while the server runs. */
    static volatile Path directory;

    /** Cost limit given at run time: far below the default, so that only it refuses {@code costly}. */
    static final long COST_LIMIT = 500;

    @Override
    public Map<String, String> start() {
        try {
            directory = Files.createTempDirectory("harbormaster-runtime-policies");
            Files.writeString(directory.resolve("runtime.yaml"), configMapPolicy("runtime-only",
                    "object.metadata.name != 'forbidden'", "forbidden by the run-time policy directory"));
            // About 100 × 10 comprehension steps: allowed by the default limit, refused by COST_LIMIT.
            Files.writeString(directory.resolve("costly.yaml"), configMapPolicy("costly",
                    "object.metadata.name != 'costly' || [0,1,2,3,4,5,6,7,8,9].all(i, [0,1,2,3,4,5,6,7,8,9].all(j, "
                            + "[0,1,2,3,4,5,6,7,8,9].all(k, i + j + k >= 0)))", "unreachable"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return PackagedServer.settings(Map.of(
                "harbormaster.policies.dir", directory.toString(),
                "harbormaster.policies.reload-interval", "1s",
                "harbormaster.cel.cost-limit", Long.toString(COST_LIMIT)));
    }

    /** A validating policy for ConfigMap CREATEs. */
    static String configMapPolicy(String name, String expression, String message) {
        return """
                apiVersion: harbormaster.dev/v1alpha1
                kind: ValidatingPolicy
                metadata: {name: %s}
                spec:
                  validationActions: [Deny]
                  matchConstraints:
                    resourceRules:
                    - {apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [configmaps]}
                  validations:
                  - expression: "%s"
                    message: %s
                """.formatted(name, expression, message);
    }

    @Override
    public void stop() {
    }
}
