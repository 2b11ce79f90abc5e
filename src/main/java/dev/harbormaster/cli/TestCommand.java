package dev.harbormaster.cli;

import dev.harbormaster.audit.PolicyTestRunner;
import dev.harbormaster.policy.PolicyLoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** Runs the PolicyTest cases kept beside policies. */
@Command(name = "test", description = {"Run the PolicyTest cases in the policy directories against their policies.",
        "Exit code: 0 all passed, 1 a case failed, 2 the policies or tests cannot be read."})
final class TestCommand implements Callable<Integer> {

    @Mixin
    PolicyOptions policies;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<PolicyTestRunner.CaseResult> results;
        try {
            PolicyTestRunner runner = new PolicyTestRunner(policies.cel(), policies.limits());
            results = runner.run(policies.sources());
            runner.loadWarnings().forEach(warning -> spec.commandLine().getErr().println("warning: " + warning));
        } catch (IOException | PolicyLoadException e) {
            spec.commandLine().getErr().println("harbormaster test: " + e.getMessage());
            return 2;
        }
        if (results.isEmpty()) {
            spec.commandLine().getErr().println("harbormaster test: no PolicyTest cases in " + policies.describe());
            return 2;
        }
        int failed = 0;
        for (PolicyTestRunner.CaseResult result : results) {
            if (result.passed()) {
                out.println("PASS " + result.file() + ": " + result.test() + ": " + result.name());
            } else {
                failed++;
                out.println("FAIL " + result.file() + ": " + result.test() + ": " + result.name());
                result.failures().forEach(failure -> out.println("     " + failure));
            }
        }
        out.println((results.size() - failed) + " passed, " + failed + " failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
