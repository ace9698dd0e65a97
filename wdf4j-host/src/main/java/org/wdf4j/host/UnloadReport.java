package org.wdf4j.host;

import java.util.List;
import org.wdf4j.framework.Finding;

/**
 * What a driver's unload left behind (U9): the status DriverEntry returned, whether
 * EvtDriverUnload ran, every callback in order, what leaked, what the verifier found, and whether
 * the driver's class loader was collected. Holds text only, never the driver's objects or classes.
 *
 * @param driver the driver's name
 * @param driverEntryStatus what DriverEntry returned, e.g. {@code STATUS_SUCCESS (0x00000000)}
 * @param driverEntrySucceeded whether that status is a success ({@code NT_SUCCESS})
 * @param driverEntryException the exception DriverEntry threw, with its stack, or null
 * @param evtDriverUnloadCalled whether EvtDriverUnload ran
 * @param callbacks the driver's journal in order: DriverEntry, EvtDriverUnload, every cleanup and
 *     destroy callback, the driver's trace lines, exceptions and violations
 * @param leaks what the driver left behind
 * @param findings verifier violations, bug checks and exceptions thrown by callbacks
 * @param failure the bug check that stopped the driver, or how its driver host ended (isolated), or null
 * @param hung true when a driver callback did not return within the verifier wait timeout
 * @param classLoaderCollected whether the driver's class loader was collected; null when not checked
 * @param collectionNote how the collection check went, in words
 * @param gcRootPath when the loader was not collected: the shortest path from a GC root to it, e.g.
 *     {@code thread "poller-1" -> Poller -> Poller.class -> driver loader}; null when collected,
 *     not checked, or not found
 * @param devicesRemoved the instance IDs of the PnP devices the host removed before stopping the
 *     driver (U7), in the order they were removed; empty when it had none
 * @param ranIn where the driver's code ran: {@code in-process}, or {@code driver host PID} (isolated: the class
 *     loader's collection is checked inside the driver host, and the driver host's exit after its last driver is the
 *     final proof, H8)
 */
public record UnloadReport(
        String driver,
        String driverEntryStatus,
        boolean driverEntrySucceeded,
        String driverEntryException,
        boolean evtDriverUnloadCalled,
        List<String> callbacks,
        List<Leak> leaks,
        List<Finding> findings,
        String failure,
        boolean hung,
        Boolean classLoaderCollected,
        String collectionNote,
        String gcRootPath,
        List<String> devicesRemoved,
        String ranIn) {

    /**
     * Something left behind.
     *
     * @param kind {@code framework object}, {@code thread}, {@code class loader}
     * @param description what it is and what holds it
     * @param allocatedAt where it was made (a stack), or a note saying why that is unknown
     */
    public record Leak(String kind, String description, String allocatedAt) {
    }

    public UnloadReport {
        callbacks = List.copyOf(callbacks);
        leaks = List.copyOf(leaks);
        findings = List.copyOf(findings);
        devicesRemoved = devicesRemoved == null ? List.of() : List.copyOf(devicesRemoved);
        ranIn = ranIn == null ? IN_PROCESS : ranIn;
    }

    /** {@link #ranIn()} of a driver that ran in the host's own process. */
    public static final String IN_PROCESS = "in-process";

    /** Whether the driver ran in a driver host process. */
    public boolean isolated() {
        return !IN_PROCESS.equals(ranIn);
    }

    /** A report of a driver that had no PnP devices to remove. */
    public UnloadReport(String driver, String driverEntryStatus, boolean driverEntrySucceeded, String driverEntryException,
                        boolean evtDriverUnloadCalled, List<String> callbacks, List<Leak> leaks, List<Finding> findings,
                        String failure, boolean hung, Boolean classLoaderCollected, String collectionNote,
                        String gcRootPath) {
        this(driver, driverEntryStatus, driverEntrySucceeded, driverEntryException, evtDriverUnloadCalled, callbacks,
                leaks, findings, failure, hung, classLoaderCollected, collectionNote, gcRootPath, List.of(), IN_PROCESS);
    }

    /** Clean: DriverEntry succeeded, nothing leaked, nothing found, the loader was collected. */
    public boolean clean() {
        return driverEntrySucceeded && leaks.isEmpty() && findings.isEmpty()
                && failure == null && !hung && !Boolean.FALSE.equals(classLoaderCollected);
    }

    /** The report as text, for people. */
    public String render() {
        StringBuilder out = new StringBuilder();
        out.append("Unload report for driver ").append(driver).append('\n');
        if (isolated()) {
            out.append("  Ran in:                 ").append(ranIn).append('\n');
        }
        out.append("  DriverEntry returned:   ").append(driverEntryStatus).append('\n');
        if (driverEntryException != null) {
            out.append("  DriverEntry threw:\n").append(indent(driverEntryException, "      ")).append('\n');
        }
        if (!devicesRemoved.isEmpty()) {
            out.append("  Devices removed first:  ").append(String.join(", ", devicesRemoved)).append('\n');
        }
        out.append("  EvtDriverUnload called: ").append(evtDriverUnloadCalled ? "yes" : "no").append('\n');
        if (failure != null) {
            out.append(isolated() ? "  Failed:                 " : "  Stopped by bug check:   ").append(failure).append('\n');
        }
        if (hung) {
            out.append("  Hung:                   yes: ").append(findings.stream().filter(f -> f.rule().equals("HUNG"))
                    .reduce((a, b) -> b).map(Finding::message).map(m -> m.lines().findFirst().orElse(""))
                    .orElse("the driver did not finish within the verifier wait timeout")).append('\n');
        }
        out.append("  Callbacks, in order:\n");
        for (int i = 0; i < callbacks.size(); i++) {
            out.append(String.format("    %3d. %s%n", i + 1, callbacks.get(i)));
        }
        if (callbacks.isEmpty()) {
            out.append("    (none)\n");
        }
        out.append("  Leaks: ").append(leaks.isEmpty() ? "none" : leaks.size()).append('\n');
        for (Leak leak : leaks) {
            out.append("    - ").append(leak.kind()).append(": ").append(leak.description().replace("\n", "\n      ")).append('\n');
            if (!leak.allocatedAt().isEmpty()) {
                out.append("      allocated at:\n").append(indent(leak.allocatedAt(), "        ")).append('\n');
            }
        }
        out.append("  Findings: ").append(findings.isEmpty() ? "none" : findings.size()).append('\n');
        for (Finding f : findings) {
            out.append("    - ").append(f.kind()).append(' ').append(f.rule())
                    .append(f.object().isEmpty() ? "" : " on " + f.object()).append(": ").append(f.message()).append('\n');
            if (!f.stack().isEmpty()) {
                out.append(indent(f.stack(), "        ")).append('\n');
            }
        }
        out.append("  Class loader collected: ").append(classLoaderCollected == null ? "not checked"
                : classLoaderCollected ? "yes" : "NO").append(" (").append(collectionNote).append(")\n");
        if (gcRootPath != null) {
            out.append("  Held by: ").append(gcRootPath).append('\n');
        }
        out.append("  Verdict: ").append(clean() ? "clean" : "NOT clean").append('\n');
        return out.toString();
    }

    /**
     * The report as one JSON object: {@code name}, {@code driverEntryStatus},
     * {@code evtDriverUnloadCalled}, {@code callbacks} (in order), {@code leaks} (each
     * {@code kind}, {@code description}, {@code allocatedAt}), {@code classLoaderCollected},
     * {@code gcRootPath}, and also {@code driverEntryException}, {@code devicesRemoved} (the PnP
     * devices removed before the unload, U7), {@code findings}, {@code failure}, {@code hung}, {@code clean}.
     */
    public String toJson() {
        Json json = new Json();
        json.begin();
        json.field("name", driver);
        json.field("driverEntryStatus", driverEntryStatus);
        json.field("driverEntryException", driverEntryException);
        json.field("evtDriverUnloadCalled", evtDriverUnloadCalled);
        json.name("devicesRemoved").array(devicesRemoved, json::string);
        json.name("callbacks").array(callbacks, json::string);
        json.name("leaks").array(leaks, leak -> {
            json.begin();
            json.field("kind", leak.kind());
            json.field("description", leak.description());
            json.field("allocatedAt", leak.allocatedAt());
            json.end();
        });
        json.name("findings").array(findings, f -> {
            json.begin();
            json.field("kind", f.kind().name());
            json.field("rule", f.rule());
            json.field("object", f.object());
            json.field("message", f.message());
            json.field("stack", f.stack());
            json.end();
        });
        json.field("failure", failure);
        json.field("hung", hung);
        json.field("ranIn", ranIn);
        json.field("classLoaderCollected", classLoaderCollected);
        json.field("gcRootPath", gcRootPath);
        json.field("clean", clean());
        json.end();
        return json.toString();
    }

    /** Reports as the JSON document of {@code wdf4j run --json}: {@code {"drivers":[...]}}. */
    public static String toJson(List<UnloadReport> reports) {
        StringBuilder out = new StringBuilder("{\"drivers\":[");
        for (int i = 0; i < reports.size(); i++) {
            out.append(i == 0 ? "" : ",").append(reports.get(i).toJson());
        }
        return out.append("]}").toString();
    }

    private static String indent(String text, String prefix) {
        return prefix + text.strip().replace("\n", "\n" + prefix);
    }
}
