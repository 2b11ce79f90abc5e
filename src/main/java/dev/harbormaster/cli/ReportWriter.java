package dev.harbormaster.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harbormaster.audit.ManifestAudit.ObjectReport;
import dev.harbormaster.audit.ManifestReader.Problem;
import dev.harbormaster.engine.ActionPolicy;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.PolicyResult.Outcome;
import dev.harbormaster.policy.CompiledPolicy;
import dev.harbormaster.policy.PolicyLoader;
import dev.harbormaster.policy.PolicySet;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes the audit of manifests for people (a table) or for tools (JSON, JUnit XML, SARIF). Every
 * format carries the same facts: each object's findings, the inputs that could not be used (the
 * reason for exit 2) and what was skipped. Maps are built in a fixed order, so two runs over the
 * same input write the same bytes.
 */
final class ReportWriter {

    enum Format { TABLE, JSON, JUNIT, SARIF }

    /**
     * What the table shows besides the findings.
     *
     * @param quiet   the finding rows only: no diffs, no summary line
     * @param summary counts per policy and per namespace after the rows
     * @param diffs   the mutations as diffs
     */
    record TableOptions(boolean quiet, boolean summary, boolean diffs) {
    }

    /** Everything one audit run found. */
    record Audit(List<ObjectReport> reports, List<Problem> errors, List<Problem> notices, PolicySet policies) {
    }

    /** Where the default pack's policies are described; a rule's help is its anchor there. */
    static final String POLICY_DOCS = "https://harbormaster.dev/docs/policies.md#";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /** A finding worth reporting: what one policy said of one object (passes and mutations aside), as ActionPolicy concludes it. */
    record Finding(String policy, String action, String message) {
    }

    static void write(Format format, Audit audit, TableOptions options, PrintWriter out) {
        switch (format) {
            case TABLE -> table(audit, options, out);
            case JSON -> out.println(json(jsonReport(audit)));
            case JUNIT -> out.println(junit(audit));
            case SARIF -> out.println(json(sarif(audit)));
        }
        out.flush();
    }

    static List<Finding> findings(ObjectReport report) {
        List<Finding> findings = new ArrayList<>();
        List<PolicyResult> results = new ArrayList<>(report.mutation().results());
        results.addAll(report.validation().results());
        for (PolicyResult result : results) {
            String action = ActionPolicy.conclude(result).label();
            if (action != null) {
                findings.add(new Finding(result.policy(), action, result.message()));
            }
        }
        return findings;
    }

    private static boolean warned(ObjectReport report) {
        List<PolicyResult> results = new ArrayList<>(report.mutation().results());
        results.addAll(report.validation().results());
        return results.stream().anyMatch(r -> ActionPolicy.conclude(r).warns());
    }

    private static Set<String> mutatedBy(ObjectReport report) {
        Set<String> names = new LinkedHashSet<>();
        report.mutation().results().stream().filter(r -> r.outcome() == Outcome.MUTATED).forEach(r -> names.add(r.policy()));
        return names;
    }

    /** The message as the engine wrote it, with the object's title before it when it does not name the object itself. */
    private static String message(ObjectReport report, Finding finding) {
        String message = finding.message() == null ? "" : finding.message();
        return message.startsWith(report.manifest().kind() + " ") ? message : report.manifest().title() + ": " + message;
    }

    // ---- table

    private static void table(Audit audit, TableOptions options, PrintWriter out) {
        List<List<String>> rows = new ArrayList<>();
        for (ObjectReport report : audit.reports()) {
            for (Finding finding : findings(report)) {
                rows.add(List.of(report.manifest().title(), finding.policy(), finding.action(), report.manifest().where(),
                        finding.message() == null ? "" : finding.message()));
            }
        }
        if (!rows.isEmpty()) {
            columns(List.of("OBJECT", "POLICY", "ACTION", "WHERE", "MESSAGE"), rows, out);
        }
        if (options.quiet()) {
            return;
        }
        if (options.diffs()) {
            for (ObjectReport report : audit.reports()) {
                if (!report.diff().isEmpty()) {
                    out.println();
                    out.println(report.manifest().title() + ": mutated by " + String.join(", ", mutatedBy(report))
                            + (report.passesOnlyAfterMutation() ? " (it passes only after this mutation)" : ""));
                    out.println(report.diff());
                }
            }
        }
        if (options.summary()) {
            out.println();
            List<List<String>> byPolicy = new ArrayList<>();
            policyCounts(audit.reports()).forEach((policy, counts) -> byPolicy.add(List.of(policy,
                    str(counts.get("Deny")), str(counts.get("Warn")), str(counts.get("Audit")), str(counts.get("Skip")), str(counts.get("Error")))));
            if (byPolicy.isEmpty()) {
                out.println("no policy found anything");
            } else {
                columns(List.of("POLICY", "DENY", "WARN", "AUDIT", "SKIP", "ERROR"), byPolicy, out);
            }
            out.println();
            List<List<String>> byNamespace = new ArrayList<>();
            namespaceCounts(audit.reports()).forEach((namespace, counts) -> byNamespace.add(List.of(namespace.isEmpty() ? "(cluster)" : namespace,
                    str(counts.get("objects")), str(counts.get("denied")), str(counts.get("warned")), str(counts.get("mutated")))));
            columns(List.of("NAMESPACE", "OBJECTS", "DENIED", "WARNED", "MUTATED"), byNamespace, out);
        }
        Map<String, Object> summary = summary(audit);
        if (rows.isEmpty() || options.diffs() || options.summary()) {
            out.println();
        }
        out.printf("%d objects: %d denied, %d allowed (%d with warnings), %d mutated; %d with no finding%s%s%n",
                audit.reports().size(), summary.get("denied"), summary.get("allowed"), summary.get("warned"), summary.get("mutated"),
                summary.get("withoutFindings"),
                audit.errors().isEmpty() ? "" : "; " + audit.errors().size() + " unusable input(s)",
                audit.notices().isEmpty() ? "" : "; " + audit.notices().size() + " notice(s)");
    }

    private static String str(Object count) {
        return count == null ? "0" : String.valueOf(count);
    }

    /** Columns as wide as their content; the last one is not padded. */
    private static void columns(List<String> header, List<List<String>> rows, PrintWriter out) {
        int[] widths = new int[header.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(header);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < row.size() - 1; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                line.append(i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    // ---- counts, the same for every format

    private static Map<String, Object> summary(Audit audit) {
        List<ObjectReport> reports = audit.reports();
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("objects", reports.size());
        summary.put("denied", reports.stream().filter(r -> !r.allowed()).count());
        summary.put("allowed", reports.stream().filter(ObjectReport::allowed).count());
        summary.put("warned", reports.stream().filter(r -> r.allowed() && warned(r)).count());
        summary.put("mutated", reports.stream().filter(r -> !r.diff().isEmpty()).count());
        summary.put("withoutFindings", reports.stream().filter(r -> findings(r).isEmpty()).count());
        summary.put("unusableInputs", audit.errors().size());
        summary.put("notices", audit.notices().size());
        summary.put("byPolicy", policyCounts(reports));
        summary.put("byNamespace", namespaceCounts(reports));
        return summary;
    }

    /** Per policy (in name order), how many findings of each action. */
    private static Map<String, Map<String, Long>> policyCounts(List<ObjectReport> reports) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (ObjectReport report : reports) {
            for (Finding finding : findings(report)) {
                counts.computeIfAbsent(finding.policy(), p -> new TreeMap<>()).merge(finding.action(), 1L, Long::sum);
            }
        }
        return counts;
    }

    /** Per namespace (in name order; "" for cluster-scoped objects), objects and what happened to them. */
    private static Map<String, Map<String, Long>> namespaceCounts(List<ObjectReport> reports) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        for (ObjectReport report : reports) {
            Map<String, Long> namespace = counts.computeIfAbsent(report.manifest().namespace(), n -> {
                Map<String, Long> zero = new LinkedHashMap<>();
                zero.put("objects", 0L);
                zero.put("denied", 0L);
                zero.put("warned", 0L);
                zero.put("mutated", 0L);
                return zero;
            });
            namespace.merge("objects", 1L, Long::sum);
            namespace.merge("denied", report.allowed() ? 0L : 1L, Long::sum);
            namespace.merge("warned", report.allowed() && warned(report) ? 1L : 0L, Long::sum);
            namespace.merge("mutated", report.diff().isEmpty() ? 0L : 1L, Long::sum);
        }
        return counts;
    }

    // ---- JSON

    private static Map<String, Object> jsonReport(Audit audit) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("objects", audit.reports().stream().map(ReportWriter::asMap).toList());
        report.put("errors", audit.errors().stream().map(ReportWriter::asMap).toList());
        report.put("notices", audit.notices().stream().map(ReportWriter::asMap).toList());
        report.put("summary", summary(audit));
        return report;
    }

    private static Map<String, Object> asMap(Problem problem) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("file", problem.file());
        map.put("line", problem.line());
        map.put("message", problem.text());
        return map;
    }

    private static Map<String, Object> asMap(ObjectReport report) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("file", report.manifest().file());
        object.put("line", report.manifest().line());
        object.put("kind", report.manifest().kind());
        object.put("namespace", report.manifest().namespace());
        object.put("name", report.manifest().name());
        object.put("title", report.manifest().title());
        object.put("operation", report.operation());
        object.put("allowed", report.allowed());
        object.put("findings", findings(report).stream().map(finding -> {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("policy", finding.policy());
            map.put("action", finding.action());
            map.put("message", finding.message());
            return map;
        }).toList());
        List<String> warnings = new ArrayList<>(report.mutation().warnings());
        warnings.addAll(report.validation().warnings());
        object.put("warnings", warnings);
        object.put("mutatedBy", mutatedBy(report));
        object.put("passesOnlyAfterMutation", report.passesOnlyAfterMutation());
        object.put("patch", report.mutation().patch());
        object.put("diff", report.diff());
        return object;
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("the report is plain data", e);
        }
    }

    // ---- JUnit

    /**
     * One test suite per file; a test case per object (a Deny finding is its failure, the other
     * findings its output), per unusable input (an error) and per document skipped (skipped).
     */
    private static String junit(Audit audit) {
        Map<String, List<JUnitXml.Case>> casesByFile = new LinkedHashMap<>();
        for (ObjectReport report : audit.reports()) {
            casesByFile.computeIfAbsent(report.manifest().file(), f -> new ArrayList<>()).add(junitCase(report));
        }
        for (Problem error : audit.errors()) {
            casesByFile.computeIfAbsent(error.file(), f -> new ArrayList<>()).add(new JUnitXml.Case(error.file(),
                    "unusable input" + (error.line() > 0 ? " at line " + error.line() : ""), null, null, null,
                    new JUnitXml.Outcome(JUnitXml.Kind.ERROR, error.text(), "unusable input", null), null));
        }
        audit.notices().stream().filter(Problem::skipped).forEach(skip -> casesByFile.computeIfAbsent(skip.file(), f -> new ArrayList<>())
                .add(new JUnitXml.Case(skip.file(), "skipped" + (skip.line() > 0 ? " at line " + skip.line() : ""), null, null, null,
                        new JUnitXml.Outcome(JUnitXml.Kind.SKIPPED, skip.text(), null, null), null)));
        List<JUnitXml.Suite> suites = casesByFile.entrySet().stream()
                .map(file -> new JUnitXml.Suite(file.getKey(), null, null, file.getValue())).toList();
        return JUnitXml.write("harbormaster audit", null, true, suites);
    }

    private static JUnitXml.Case junitCase(ObjectReport report) {
        List<Finding> findings = findings(report);
        List<String> denials = findings.stream().filter(f -> f.action().equals("Deny"))
                .map(f -> "[" + f.policy() + "] " + f.message()).toList();
        List<String> others = findings.stream().filter(f -> !f.action().equals("Deny"))
                .map(f -> f.action() + " [" + f.policy() + "] " + f.message()).toList();
        JUnitXml.Outcome outcome = report.allowed() ? null
                : new JUnitXml.Outcome(JUnitXml.Kind.FAILURE, denials.isEmpty() ? "denied" : denials.get(0), "denied", String.join("\n", denials));
        return new JUnitXml.Case(report.manifest().file(), report.manifest().title() + " (line " + report.manifest().line() + ")",
                null, null, null, outcome, others.isEmpty() ? null : String.join("\n", others));
    }

    // ---- SARIF

    /**
     * SARIF 2.1.0, which code-scanning dashboards read: one result per finding at the object's file
     * and line, a rule per policy with its description, and the unusable inputs and skipped documents
     * as the invocation's notifications (an unusable input makes the run unsuccessful, as exit 2 says).
     */
    private static Map<String, Object> sarif(Audit audit) {
        Map<String, CompiledPolicy> policies = new LinkedHashMap<>();
        if (audit.policies() != null) {
            audit.policies().validating().forEach(p -> policies.put(p.name(), p));
            audit.policies().mutating().forEach(p -> policies.put(p.name(), p));
        }
        Set<String> ruleIds = new java.util.TreeSet<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (ObjectReport report : audit.reports()) {
            for (Finding finding : findings(report)) {
                ruleIds.add(finding.policy());
                Map<String, Object> result = new LinkedHashMap<>();
                result.put("ruleId", finding.policy());
                result.put("level", switch (finding.action()) {
                    case "Deny", "Error" -> "error";
                    case "Warn" -> "warning";
                    default -> "note";
                });
                result.put("message", Map.of("text", message(report, finding)));
                result.put("locations", List.of(location(report.manifest().file(), report.manifest().line())));
                results.add(result);
            }
        }
        List<Map<String, Object>> rules = new ArrayList<>();
        for (String id : ruleIds) {
            rules.add(rule(id, Optional.ofNullable(policies.get(id))));
        }
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("name", "harbormaster");
        driver.put("version", Cli.Version.version());
        driver.put("informationUri", "https://harbormaster.dev");
        driver.put("rules", rules);
        List<Map<String, Object>> notifications = new ArrayList<>();
        audit.errors().forEach(error -> notifications.add(notification("error", error)));
        audit.notices().forEach(notice -> notifications.add(notification("note", notice)));
        Map<String, Object> invocation = new LinkedHashMap<>();
        invocation.put("executionSuccessful", audit.errors().isEmpty());
        invocation.put("toolExecutionNotifications", notifications);
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("tool", Map.of("driver", driver));
        run.put("invocations", List.of(invocation));
        run.put("results", results);
        Map<String, Object> sarif = new LinkedHashMap<>();
        sarif.put("$schema", "https://json.schemastore.org/sarif-2.1.0.json");
        sarif.put("version", "2.1.0");
        sarif.put("runs", List.of(run));
        return sarif;
    }

    /** A rule: the policy's description (its first sentence as the short one), and for a bundled policy its section of docs/policies.md. */
    private static Map<String, Object> rule(String id, Optional<CompiledPolicy> policy) {
        String description = policy.map(CompiledPolicy::description).filter(d -> !d.isBlank()).map(String::strip)
                .orElse("Policy " + id + ".");
        int sentence = description.indexOf(". ");
        String first = sentence < 0 ? description : description.substring(0, sentence + 1);
        Map<String, Object> rule = new LinkedHashMap<>();
        rule.put("id", id);
        rule.put("shortDescription", Map.of("text", first));
        rule.put("fullDescription", Map.of("text", description));
        if (policy.map(p -> p.source().startsWith(PolicyLoader.BUNDLED + "/")).orElse(false)) {
            rule.put("helpUri", POLICY_DOCS + id);
        }
        return rule;
    }

    private static Map<String, Object> notification(String level, Problem problem) {
        Map<String, Object> notification = new LinkedHashMap<>();
        notification.put("level", level);
        notification.put("message", Map.of("text", problem.text()));
        notification.put("locations", List.of(location(problem.file(), problem.line())));
        return notification;
    }

    private static Map<String, Object> location(String file, int line) {
        Map<String, Object> physical = new LinkedHashMap<>();
        physical.put("artifactLocation", Map.of("uri", file));
        if (line > 0) {
            physical.put("region", Map.of("startLine", line));
        }
        return Map.of("physicalLocation", physical);
    }
}
