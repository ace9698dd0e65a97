package org.wdf4j.host.verify;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * What the battery found: one result per case. Printed for people ({@link #render}) and written as JUnit XML
 * ({@link #writeJUnitXml}) for CI.
 *
 * @param target what ran
 * @param cases the cases' results, in the order they ran
 */
public record VerifyResult(VerifyTarget target, List<CaseResult> cases) {

    public VerifyResult {
        cases = List.copyOf(cases);
    }

    public boolean passed() {
        return cases.stream().allMatch(CaseResult::passed);
    }

    public int failures() {
        return (int) cases.stream().filter(c -> !c.passed()).count();
    }

    /** One case as the summary prints it: PASS or FAIL, its time, its notes, then each finding with its replay. */
    public static String render(CaseResult c) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(java.util.Locale.ROOT, "%s  %-20s %6.1f s  %s%n", c.passed() ? "PASS" : "FAIL",
                c.caseName(), c.took().toMillis() / 1000.0, c.description()));
        for (String note : c.notes()) {
            out.append("        ").append(note).append('\n');
        }
        for (VerifyFinding f : c.findings()) {
            out.append("      ").append(f).append('\n');
            out.append("        replay: ").append(f.replay()).append('\n');
        }
        return out.toString();
    }

    /** The closing line: how many cases passed and failed. */
    public String summary() {
        return String.format("%s: %d of %d cases passed%s", passed() ? "PASS" : "FAIL", cases.size() - failures(),
                cases.size(), passed() ? "" : ", " + failures() + " failed");
    }

    /**
     * Writes the result as a JUnit XML report ({@code <testsuite>} with one {@code <testcase>} per case, a failed one
     * holding one {@code <failure>} per finding: its type the rule, its message the summary's line, its text the whole
     * message, where it happened (a stack) and the replay command line).
     */
    public void writeJUnitXml(OutputStream out) throws IOException {
        try {
            XMLStreamWriter xml = XMLOutputFactory.newFactory().createXMLStreamWriter(out, StandardCharsets.UTF_8.name());
            xml.writeStartDocument(StandardCharsets.UTF_8.name(), "1.0");
            xml.writeCharacters("\n");
            xml.writeStartElement("testsuite");
            String suite = "wdf4j verify " + target.driverPackage().name();
            xml.writeAttribute("name", suite);
            xml.writeAttribute("tests", String.valueOf(cases.size()));
            xml.writeAttribute("failures", String.valueOf(failures()));
            xml.writeAttribute("errors", "0");
            xml.writeAttribute("skipped", "0");
            xml.writeAttribute("time", seconds(cases.stream().mapToLong(c -> c.took().toMillis()).sum()));
            xml.writeCharacters("\n  ");
            xml.writeStartElement("properties");
            property(xml, "driver", target.driverPackage().name());
            property(xml, "package", target.driverPackage().jar().toString());
            property(xml, "devices", String.join(",", target.hardwareIds()));
            property(xml, "hosting", target.hosting().label());
            property(xml, "seed", String.valueOf(target.seed()));
            xml.writeCharacters("\n  ");
            xml.writeEndElement();
            for (CaseResult c : cases) {
                xml.writeCharacters("\n  ");
                xml.writeStartElement("testcase");
                xml.writeAttribute("classname", suite);
                xml.writeAttribute("name", c.caseName());
                xml.writeAttribute("time", seconds(c.took().toMillis()));
                for (VerifyFinding f : c.findings()) {
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("failure");
                    xml.writeAttribute("type", f.rule());
                    xml.writeAttribute("message", f.toString());
                    xml.writeCharacters(f.message() + (f.detail().isBlank() ? "" : "\n" + f.detail().strip())
                            + "\nreplay: " + f.replay());
                    xml.writeEndElement();
                }
                if (!c.notes().isEmpty()) {
                    xml.writeCharacters("\n    ");
                    xml.writeStartElement("system-out");
                    xml.writeCharacters(String.join("\n", c.notes()));
                    xml.writeEndElement();
                }
                xml.writeCharacters("\n  ");
                xml.writeEndElement();
            }
            xml.writeCharacters("\n");
            xml.writeEndElement();
            xml.writeCharacters("\n");
            xml.writeEndDocument();
            xml.close();
        } catch (XMLStreamException e) {
            throw new IOException("cannot write the JUnit XML report: " + e.getMessage(), e);
        }
    }

    private static void property(XMLStreamWriter xml, String name, String value) throws XMLStreamException {
        xml.writeCharacters("\n    ");
        xml.writeEmptyElement("property");
        xml.writeAttribute("name", name);
        xml.writeAttribute("value", value);
    }

    private static String seconds(long millis) {
        return String.format(java.util.Locale.ROOT, "%.3f", millis / 1000.0);
    }
}
