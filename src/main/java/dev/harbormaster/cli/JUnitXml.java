package dev.harbormaster.cli;

import java.io.StringWriter;
import java.util.List;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * The JUnit XML report that CI systems read, for {@code audit} and {@code test} alike: suites of
 * cases, each passed or with one failure, error or skip; the counts are taken from the cases. An
 * attribute given as null is left out.
 */
final class JUnitXml {

    private JUnitXml() {
    }

    enum Kind { FAILURE, ERROR, SKIPPED }

    /** Why a case did not pass: {@code type} and {@code details} may be null. */
    record Outcome(Kind kind, String message, String type, String details) {
    }

    /** @param outcome null: passed; {@code file}, {@code line} and {@code nanos} may be null */
    record Case(String classname, String name, String file, Integer line, Long nanos, Outcome outcome, String output) {
    }

    /** @param file may be null; {@code nanos} null leaves the time out */
    record Suite(String name, String file, Long nanos, List<Case> cases) {
    }

    /** @param countAll whether the counts of errors and skips are written (a report that has neither leaves them out) */
    static String write(String name, Long nanos, boolean countAll, List<Suite> suites) {
        StringWriter text = new StringWriter();
        try {
            XMLStreamWriter xml = XMLOutputFactory.newInstance().createXMLStreamWriter(text);
            xml.writeStartDocument("UTF-8", "1.0");
            xml.writeStartElement("testsuites");
            xml.writeAttribute("name", name);
            counts(xml, suites.stream().flatMap(suite -> suite.cases().stream()).toList(), countAll);
            optional(xml, "time", seconds(nanos));
            for (Suite suite : suites) {
                xml.writeStartElement("testsuite");
                xml.writeAttribute("name", suite.name());
                optional(xml, "file", suite.file());
                counts(xml, suite.cases(), countAll);
                optional(xml, "time", seconds(suite.nanos()));
                for (Case test : suite.cases()) {
                    testCase(xml, test);
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

    private static void testCase(XMLStreamWriter xml, Case test) throws XMLStreamException {
        xml.writeStartElement("testcase");
        xml.writeAttribute("classname", test.classname());
        xml.writeAttribute("name", test.name());
        optional(xml, "file", test.file());
        optional(xml, "line", test.line() == null ? null : test.line().toString());
        optional(xml, "time", seconds(test.nanos()));
        Outcome outcome = test.outcome();
        if (outcome != null) {
            xml.writeStartElement(outcome.kind().name().toLowerCase(Locale.ROOT));
            xml.writeAttribute("message", outcome.message());
            optional(xml, "type", outcome.type());
            if (outcome.details() != null) {
                xml.writeCharacters(outcome.details());
            }
            xml.writeEndElement();
        }
        if (test.output() != null) {
            xml.writeStartElement("system-out");
            xml.writeCharacters(test.output());
            xml.writeEndElement();
        }
        xml.writeEndElement();
    }

    private static void counts(XMLStreamWriter xml, List<Case> cases, boolean countAll) throws XMLStreamException {
        xml.writeAttribute("tests", String.valueOf(cases.size()));
        xml.writeAttribute("failures", String.valueOf(count(cases, Kind.FAILURE)));
        if (countAll) {
            xml.writeAttribute("errors", String.valueOf(count(cases, Kind.ERROR)));
            xml.writeAttribute("skipped", String.valueOf(count(cases, Kind.SKIPPED)));
        }
    }

    private static long count(List<Case> cases, Kind kind) {
        return cases.stream().filter(test -> test.outcome() != null && test.outcome().kind() == kind).count();
    }

    private static void optional(XMLStreamWriter xml, String attribute, String value) throws XMLStreamException {
        if (value != null) {
            xml.writeAttribute(attribute, value);
        }
    }

    private static String seconds(Long nanos) {
        return nanos == null ? null : String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }
}
