package dev.harbormaster.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harbormaster.audit.PolicyTestRunner;
import dev.harbormaster.audit.PolicyTestRunner.CaseResult;
import dev.harbormaster.policy.PolicyLoadException;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Runs the PolicyTest cases kept beside policies. */
@Command(name = "test", sortOptions = false, mixinStandardHelpOptions = true, versionProvider = Cli.Version.class,
        description = {"Run the PolicyTest cases of the --policies directories (of the bundled pack when none is given)",
                "against the policies loaded as audit loads them: the bundled pack and the directories (--no-default-policies: the directories only).",
                "Other YAML beside the policies (a kustomization.yaml) is passed over with a warning.",
                "Exit code: 0 all passed, 1 a case failed, 2 the policies or tests cannot be used."})
final class TestCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Mixin
    PolicyOptions policies;

    @Option(names = "--run", paramLabel = "REGEX", description = "Only the cases whose TEST/CASE name (test document name / case name) this regular expression finds.")
    String run;

    @Option(names = {"-o", "--output"}, defaultValue = "text", paramLabel = "FORMAT", description = "text, json or junit. Default: ${DEFAULT-VALUE}.")
    String output;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String format = output.toLowerCase(Locale.ROOT);
        if (!List.of("text", "json", "junit").contains(format)) {
            return fail(err, "--output takes text, json or junit");
        }
        Pattern filter;
        try {
            filter = run == null ? null : Pattern.compile(run);
        } catch (PatternSyntaxException e) {
            return fail(err, "--run '" + run + "' is not a regular expression: " + e.getDescription());
        }
        List<CaseResult> results;
        try {
            policies.check();
            PolicyTestRunner runner = new PolicyTestRunner(policies.cel(), policies.limits());
            results = runner.run(policies.base(), policies.own(), id -> filter == null || filter.matcher(id).find());
            runner.loadWarnings().forEach(warning -> err.println("warning: " + warning));
        } catch (IOException | PolicyLoadException e) {
            return fail(err, e.getMessage());
        }
        if (results.isEmpty()) {
            return fail(err, "no PolicyTest cases" + (run == null ? "" : " matching --run " + run) + " in " + policies.describe());
        }
        long failed = results.stream().filter(r -> !r.passed()).count();
        switch (format) {
            case "json" -> out.println(json(results));
            case "junit" -> out.println(junit(results));
            default -> {
                for (CaseResult result : results) {
                    out.printf("%s %s:%d: %s: %s (%s)%n", result.passed() ? "PASS" : "FAIL", result.file(), result.line(), result.test(),
                            result.name(), millis(result));
                    result.failures().forEach(failure -> out.println("     " + failure));
                }
                out.println((results.size() - failed) + " passed, " + failed + " failed");
            }
        }
        out.flush();
        err.flush();
        return failed == 0 ? 0 : 1;
    }

    private static int fail(PrintWriter err, String message) {
        err.println("harbormaster test: " + message);
        err.flush();
        return 2;
    }

    private static String millis(CaseResult result) {
        return String.format(Locale.ROOT, "%.1f ms", result.nanos() / 1e6);
    }

    private static String json(List<CaseResult> results) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("cases", results.stream().map(result -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("file", result.file());
            map.put("line", result.line());
            map.put("test", result.test());
            map.put("name", result.name());
            map.put("passed", result.passed());
            map.put("failures", result.failures());
            map.put("warnings", result.warnings());
            map.put("seconds", result.nanos() / 1e9);
            return map;
        }).toList());
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("passed", results.stream().filter(CaseResult::passed).count());
        summary.put("failed", results.stream().filter(r -> !r.passed()).count());
        report.put("summary", summary);
        try {
            return JSON.writeValueAsString(report);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report is plain data", e);
        }
    }

    /** A test suite per test document, a test case per case, a failure with what differed. */
    private static String junit(List<CaseResult> results) {
        Map<String, List<CaseResult>> byTest = new LinkedHashMap<>();
        results.forEach(r -> byTest.computeIfAbsent(r.file() + "\0" + r.test(), k -> new java.util.ArrayList<>()).add(r));
        List<JUnitXml.Suite> suites = byTest.values().stream().map(test -> new JUnitXml.Suite(test.get(0).test(), test.get(0).file(),
                test.stream().mapToLong(CaseResult::nanos).sum(), test.stream().map(result -> new JUnitXml.Case(result.test(), result.name(),
                        result.file(), result.line(), result.nanos(), result.passed() ? null
                        : new JUnitXml.Outcome(JUnitXml.Kind.FAILURE, result.failures().get(0), null, String.join("\n", result.failures())),
                        null)).toList())).toList();
        return JUnitXml.write("harbormaster test", results.stream().mapToLong(CaseResult::nanos).sum(), false, suites);
    }
}
