package dev.harbormaster.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.harbormaster.audit.ManifestAudit.ObjectReport;
import dev.harbormaster.engine.ActionPolicy;
import dev.harbormaster.engine.PolicyResult;
import dev.harbormaster.engine.PolicyResult.Outcome;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/** Writes the audit of manifests for people (a table) or for tools (JSON, JUnit XML, SARIF). */
final class ReportWriter {

    enum Format { TABLE, JSON, JUNIT, SARIF }

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ReportWriter() {
    }

    /** A finding worth reporting: what one policy said of one object (passes and mutations aside). */
    record Finding(String policy, String action, String message) {
    }

    static void write(Format format, List<ObjectReport> reports, List<String> errors, PrintWriter out) {
        switch (format) {
            case TABLE -> table(reports, errors, out);
            case JSON -> out.println(json(Map.of("objects", reports.stream().map(ReportWriter::asMap).toList(),
                    "errors", errors, "summary", summary(reports, errors))));
            case JUNIT -> out.println(junit(reports));
            case SARIF -> out.println(json(sarif(reports)));
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

    private static Set<String> mutatedBy(ObjectReport report) {
        Set<String> names = new LinkedHashSet<>();
        report.mutation().results().stream().filter(r -> r.outcome() == Outcome.MUTATED).forEach(r -> names.add(r.policy()));
        return names;
    }

    private static void table(List<ObjectReport> reports, List<String> errors, PrintWriter out) {
        String row = "%-36s %-24s %-6s %-28s %s%n";
        out.printf(row, "OBJECT", "POLICY", "ACTION", "WHERE", "MESSAGE");
        for (ObjectReport report : reports) {
            List<Finding> findings = findings(report);
            if (findings.isEmpty()) {
                out.printf(row, report.manifest().title(), "-", "ok", report.manifest().where(), "");
            }
            for (Finding finding : findings) {
                out.printf(row, report.manifest().title(), finding.policy(), finding.action(), report.manifest().where(), finding.message());
            }
        }
        for (ObjectReport report : reports) {
            if (!report.diff().isEmpty()) {
                out.println();
                out.println(report.manifest().title() + ": mutated by " + String.join(", ", mutatedBy(report))
                        + (report.passesOnlyAfterMutation() ? " (it passes only after this mutation)" : ""));
                out.println(report.diff());
            }
        }
        Map<String, Object> summary = summary(reports, errors);
        out.println();
        out.printf("%d objects: %d denied, %d allowed (%d with warnings), %d mutated%s%n",
                reports.size(), summary.get("denied"), summary.get("allowed"), summary.get("warned"), summary.get("mutated"),
                errors.isEmpty() ? "" : "; " + errors.size() + " unusable input(s)");
    }

    private static Map<String, Object> summary(List<ObjectReport> reports, List<String> errors) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("objects", reports.size());
        summary.put("denied", reports.stream().filter(r -> !r.allowed()).count());
        summary.put("allowed", reports.stream().filter(ObjectReport::allowed).count());
        summary.put("warned", reports.stream().filter(r -> r.allowed() && findings(r).stream().anyMatch(f -> f.action().equals("Warn"))).count());
        summary.put("mutated", reports.stream().filter(r -> !r.diff().isEmpty()).count());
        summary.put("unusableInputs", errors.size());
        return summary;
    }

    private static Map<String, Object> asMap(ObjectReport report) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("file", report.manifest().file());
        object.put("line", report.manifest().line());
        object.put("kind", report.manifest().kind());
        object.put("namespace", report.manifest().namespace());
        object.put("name", report.manifest().name());
        object.put("operation", report.operation());
        object.put("allowed", report.allowed());
        object.put("findings", findings(report));
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

    /** One test case per object; a Deny finding is its failure, the other findings its output. */
    private static String junit(List<ObjectReport> reports) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", "harbormaster audit");
            xml.writeAttribute("tests", String.valueOf(reports.size()));
            xml.writeAttribute("failures", String.valueOf(reports.stream().filter(r -> !r.allowed()).count()));
            Map<String, List<ObjectReport>> byFile = new LinkedHashMap<>();
            reports.forEach(r -> byFile.computeIfAbsent(r.manifest().file(), f -> new ArrayList<>()).add(r));
            for (Map.Entry<String, List<ObjectReport>> file : byFile.entrySet()) {
                xml.writeStartElement("testsuite");
                xml.writeAttribute("name", file.getKey());
                xml.writeAttribute("tests", String.valueOf(file.getValue().size()));
                xml.writeAttribute("failures", String.valueOf(file.getValue().stream().filter(r -> !r.allowed()).count()));
                for (ObjectReport report : file.getValue()) {
                    xml.writeStartElement("testcase");
                    xml.writeAttribute("classname", file.getKey());
                    xml.writeAttribute("name", report.manifest().title());
                    List<Finding> findings = findings(report);
                    List<String> denials = findings.stream().filter(f -> f.action().equals("Deny"))
                            .map(f -> "[" + f.policy() + "] " + f.message()).toList();
                    if (!report.allowed()) {
                        xml.writeStartElement("failure");
                        xml.writeAttribute("message", denials.isEmpty() ? "denied" : denials.get(0));
                        xml.writeAttribute("type", "denied");
                        xml.writeCharacters(String.join("\n", denials));
                        xml.writeEndElement();
                    }
                    List<String> others = findings.stream().filter(f -> !f.action().equals("Deny"))
                            .map(f -> f.action() + " [" + f.policy() + "] " + f.message()).toList();
                    if (!others.isEmpty()) {
                        xml.writeStartElement("system-out");
                        xml.writeCharacters(String.join("\n", others));
                        xml.writeEndElement();
                    }
                    xml.writeEndElement();
                }
                xml.writeEndElement();
            }
            xml.writeEndElement();
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("writing XML to memory cannot fail", e);
        }
        return text.toString();
    }

    /** SARIF 2.1.0, which code-scanning dashboards read: one result per finding, at the object's file and line. */
    private static Map<String, Object> sarif(List<ObjectReport> reports) {
        Set<String> rules = new LinkedHashSet<>();
        List<Map<String, Object>> results = new ArrayList<>();
        for (ObjectReport report : reports) {
            for (Finding finding : findings(report)) {
                rules.add(finding.policy());
                results.add(Map.of(
                        "ruleId", finding.policy(),
                        "level", switch (finding.action()) {
                            case "Deny", "Error" -> "error";
                            case "Warn" -> "warning";
                            default -> "note";
                        },
                        "message", Map.of("text", report.manifest().title() + ": " + finding.message()),
                        "locations", List.of(Map.of("physicalLocation", Map.of(
                                "artifactLocation", Map.of("uri", report.manifest().file()),
                                "region", Map.of("startLine", report.manifest().line()))))));
            }
        }
        Map<String, Object> driver = Map.of("name", "harbormaster", "informationUri", "https://harbormaster.dev",
                "rules", rules.stream().map(rule -> Map.of("id", rule)).toList());
        return Map.of("version", "2.1.0", "$schema", "https://json.schemastore.org/sarif-2.1.0.json",
                "runs", List.of(Map.of("tool", Map.of("driver", driver), "results", results)));
    }
}
