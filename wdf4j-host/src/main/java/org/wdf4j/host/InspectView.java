package org.wdf4j.host;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.wdf4j.framework.FxInspection;
import org.wdf4j.framework.JournalEntry;

/**
 * The views of {@code wdf4j inspect}, the counterpart of {@code !wdfkd}: a driver ({@code !wdfdriverinfo},
 * {@code !wdflogdump}), a device ({@code !wdfdevice}), a device's queues ({@code !wdfdevicequeues}) and one request
 * ({@code !wdfrequest}); each as text for people or as JSON (Jackson's streaming generator). Reads
 * {@link HostedDriver#inspect()}, which an isolated driver answers across its driver-host channel.
 */
public final class InspectView {

    /** What {@code wdf4j inspect} shows. */
    public enum Kind {
        DRIVER, JOURNAL, DEVICE, QUEUES, REQUEST;

        /** The view named {@code name} ({@code driver}, {@code journal}, {@code device}, {@code queues}, {@code request}). */
        public static Kind parse(String name) {
            for (Kind k : values()) {
                if (k.name().equalsIgnoreCase(name)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("no inspect view '" + name + "'; the views are driver, journal, device, "
                    + "queues and request");
        }
    }

    /** One driver and what it looks like inside now. */
    public record Seen(HostedDriver driver, FxInspection inside) {
    }

    private static final JsonFactory JSON = JsonFactory.builder().build();

    private InspectView() {
    }

    /** Reads every running driver now, in the order they were started. */
    public static List<Seen> all(DriverHost host) {
        List<Seen> seen = new ArrayList<>();
        for (HostedDriver d : host.drivers()) {
            seen.add(new Seen(d, d.inspect()));
        }
        return seen;
    }

    // ---------------------------------------------------------------------------------------------
    // The driver

    /** {@code wdf4j inspect driver NAME}: its state, where it runs, object counts, devices, what it waits for, its journal's tail. */
    public static String driverText(Seen s, int tail) {
        StringBuilder out = new StringBuilder();
        FxInspection x = s.inside();
        HostedDriver d = s.driver();
        out.append("driver ").append(x.driver()).append('\n');
        out.append("  state:    ").append(x.state()).append('\n');
        out.append("  runs:     ").append(d.hosting()).append(d.hosting().isIsolated() ? " in " + d.where() : "")
                .append(", pid ").append(d.pid()).append('\n');
        out.append("  objects:  ").append(counts(x.objectCounts())).append('\n');
        out.append("  devices:  ").append(x.devices().isEmpty() ? "none" : x.devices().size()).append('\n');
        for (FxInspection.Device dev : x.devices()) {
            out.append("    ").append(deviceLine(dev)).append('\n');
        }
        busy(x, out);
        out.append("  timers:   ").append(x.timers().isEmpty() ? "none" : x.timers().size()).append('\n');
        x.timers().forEach(t -> out.append("    ").append(t.describe()).append('\n'));
        out.append("  work items: ").append(x.workItems().isEmpty() ? "none" : x.workItems().size()).append('\n');
        x.workItems().forEach(w -> out.append("    ").append(w.describe()).append('\n'));
        out.append("  locks:    ").append(x.locks().isEmpty() ? "none" : x.locks().size()).append('\n');
        x.locks().forEach(l -> out.append("    ").append(l.describe()).append('\n'));
        List<FxInspection.Request> held = x.heldRequests();
        out.append("  requests held by the driver: ").append(held.isEmpty() ? "none" : held.size()).append('\n');
        for (FxInspection.Request r : held) {
            out.append("    ").append(r.describe()).append(" from ").append(r.queue()).append('\n');
        }
        List<JournalEntry> journal = d.journal();
        List<JournalEntry> last = last(journal, tail);
        out.append("  journal:  the last ").append(last.size()).append(" of ").append(journal.size()).append(" entries\n");
        for (JournalEntry e : last) {
            out.append("    ").append(e).append('\n');
        }
        return out.toString();
    }

    /** The last {@code tail} entries of {@code journal}. */
    private static List<JournalEntry> last(List<JournalEntry> journal, int tail) {
        return journal.subList(Math.max(0, journal.size() - tail), journal.size());
    }

    /**
     * {@code wdf4j inspect journal NAME} ({@code !wdflogdump}): the driver's journal, oldest first: its callbacks in
     * order, their outcomes and its {@code DbgPrint} lines, as the unload report will list them.
     */
    public static String journalText(Seen s, int tail) {
        List<JournalEntry> journal = s.driver().journal();
        List<JournalEntry> last = last(journal, tail);
        StringBuilder out = new StringBuilder();
        out.append("journal of driver ").append(s.inside().driver()).append(" (").append(s.inside().state()).append(", ")
                .append(s.driver().where()).append("): ")
                .append(last.size() == journal.size() ? journal.size() + " entries" : "the last " + last.size() + " of "
                        + journal.size() + " entries").append('\n');
        for (JournalEntry e : last) {
            out.append("  ").append(e).append('\n');
        }
        return out.toString();
    }

    private static String counts(Map<String, Integer> counts) {
        if (counts.isEmpty()) {
            return "none";
        }
        int total = counts.values().stream().mapToInt(Integer::intValue).sum();
        StringBuilder out = new StringBuilder().append(total).append(" (");
        counts.forEach((type, n) -> out.append(out.charAt(out.length() - 1) == '(' ? "" : ", ").append(type).append(' ').append(n));
        return out.append(')').toString();
    }

    private static String deviceLine(FxInspection.Device dev) {
        int held = dev.queues().stream().mapToInt(q -> q.held().size()).sum();
        return dev.handle() + " " + (dev.control() ? "control device " + dev.name() : dev.instanceId()) + ": "
                + dev.pnpState() + ", " + dev.powerState() + ", " + dev.queues().size() + " queue(s), " + held
                + " request(s) held";
    }

    private static void busy(FxInspection x, StringBuilder out) {
        out.append("  busy:     ").append(x.busy().isEmpty() ? "no (nothing runs or waits in the framework for it)" : "")
                .append('\n');
        for (FxInspection.Busy b : x.busy()) {
            out.append("    ").append(b.describe()).append('\n');
        }
    }

    // ---------------------------------------------------------------------------------------------
    // A device and its queues

    /** {@code wdf4j inspect device ID}: the device of each driver that has it (a stack has one per driver). */
    public static String deviceText(Seen s, FxInspection.Device dev) {
        StringBuilder out = new StringBuilder();
        out.append("device ").append(dev.handle()).append(" of driver ").append(s.inside().driver()).append('\n');
        if (dev.control()) {
            out.append("  control device: ").append(dev.name()).append('\n');
        } else {
            out.append("  instance ID: ").append(dev.instanceId()).append('\n');
            out.append("  hardware ID: ").append(dev.hardwareId()).append('\n');
            if (dev.name() != null) {
                out.append("  name:        ").append(dev.name()).append('\n');
            }
        }
        out.append("  PnP state:   ").append(dev.pnpState()).append('\n');
        out.append("  power state: ").append(dev.powerState()).append('\n');
        out.append("  queues:      ").append(dev.queues().isEmpty() ? "none" : dev.queues().size()).append('\n');
        for (FxInspection.Queue q : dev.queues()) {
            out.append("    ").append(queueLine(q)).append('\n');
        }
        return out.toString();
    }

    private static String queueLine(FxInspection.Queue q) {
        return q.handle() + (q.defaultQueue() ? " (default)" : "") + ": " + q.dispatch() + ", "
                + (q.powerManaged() ? "power-managed" : "not power-managed") + ", " + q.stateText() + ", "
                + q.queued() + " queued, " + q.held().size() + " held by the driver";
    }

    /** {@code wdf4j inspect queues ID}: every queue of the device with the requests waiting and those the driver holds. */
    public static String queuesText(Seen s, FxInspection.Device dev) {
        StringBuilder out = new StringBuilder();
        out.append("queues of ").append(dev.handle()).append(' ')
                .append(dev.control() ? "(control device " + dev.name() + ")" : dev.instanceId())
                .append(" of driver ").append(s.inside().driver()).append(" (").append(dev.pnpState()).append(", ")
                .append(dev.powerState()).append(")\n");
        if (dev.queues().isEmpty()) {
            out.append("  none\n");
        }
        for (FxInspection.Queue q : dev.queues()) {
            out.append("  ").append(q.handle()).append(q.defaultQueue() ? " (default queue)" : "").append('\n');
            out.append("    dispatch:      ").append(q.dispatch()).append('\n');
            out.append("    power-managed: ").append(q.powerManaged() ? "yes" : "no").append('\n');
            out.append("    state:         ").append(q.stateText()).append('\n');
            out.append("    queued:        ").append(q.queued()).append(q.queued() > 0 && !q.held().isEmpty()
                    && "SEQUENTIAL".equals(q.dispatch()) ? " (waiting for the driver to complete the one it holds)" : "")
                    .append('\n');
            out.append("    held by the driver: ").append(q.held().isEmpty() ? "none" : q.held().size()).append('\n');
            for (FxInspection.Request r : q.held()) {
                out.append("      ").append(r.describe()).append('\n');
            }
        }
        return out.toString();
    }

    /** {@code wdf4j inspect request HANDLE}: one request the driver holds. */
    public static String requestText(Seen s, FxInspection.Request r) {
        return "request " + r.handle() + " of driver " + s.inside().driver() + "\n"
                + "  type:      " + r.type() + (r.ioControlCode() == 0 ? "" : String.format(" (control code 0x%08x)", r.ioControlCode())) + "\n"
                + "  length:    " + r.length() + " bytes\n"
                + "  owner:     " + r.state() + "\n"
                + "  cancelable: " + (r.cancelable() ? "yes" : "no") + (r.cancelRequested() ? " (its requestor cancelled it)" : "") + "\n"
                + "  held for:  " + FxInspection.seconds(r.heldNanos()) + " (since it was delivered to the driver)\n"
                + "  requestor: pid " + r.requestorPid() + "\n"
                + "  queue:     " + r.queue() + "\n"
                + "  device:    " + r.device() + "\n";
    }

    // ---------------------------------------------------------------------------------------------
    // JSON

    /** One JSON document: {@code {"view":..., "drivers":[...]}}, each driver with the parts the view shows. */
    public static String json(Kind view, List<Seen> seen, int tail) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeStringField("view", view.name().toLowerCase(java.util.Locale.ROOT));
            out.writeArrayFieldStart("drivers");
            for (Seen s : seen) {
                driver(out, view, s, tail);
            }
            out.writeEndArray();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static void driver(JsonGenerator out, Kind view, Seen s, int tail) throws IOException {
        FxInspection x = s.inside();
        out.writeStartObject();
        out.writeStringField("name", x.driver());
        out.writeStringField("state", x.state().name());
        out.writeStringField("hosting", s.driver().hosting().label());
        out.writeNumberField("pid", s.driver().pid());
        if (view == Kind.JOURNAL) {
            journal(out, s, tail);
        }
        if (view == Kind.DRIVER) {
            out.writeObjectFieldStart("objectCounts");
            for (Map.Entry<String, Integer> e : new java.util.TreeMap<>(x.objectCounts()).entrySet()) {
                out.writeNumberField(e.getKey(), e.getValue());
            }
            out.writeEndObject();
            out.writeArrayFieldStart("busy");
            for (FxInspection.Busy b : x.busy()) {
                out.writeStartObject();
                out.writeStringField("what", b.what());
                out.writeNumberField("nanos", b.nanos());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("timers");
            for (FxInspection.Timer t : x.timers()) {
                out.writeStartObject();
                out.writeStringField("handle", t.handle());
                out.writeNumberField("periodNanos", t.periodNanos());
                out.writeBooleanField("queued", t.queued());
                out.writeNumberField("dueNanos", t.dueNanos());
                out.writeBooleanField("running", t.running());
                out.writeStringField("executionLevel", t.passive() ? "PASSIVE" : "DISPATCH");
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("workItems");
            for (FxInspection.WorkItem w : x.workItems()) {
                out.writeStartObject();
                out.writeStringField("handle", w.handle());
                out.writeBooleanField("enqueued", w.enqueued());
                out.writeBooleanField("running", w.running());
                out.writeEndObject();
            }
            out.writeEndArray();
            out.writeArrayFieldStart("locks");
            for (FxInspection.Lock l : x.locks()) {
                out.writeStartObject();
                out.writeStringField("handle", l.handle());
                out.writeStringField("type", l.type());
                out.writeStringField("holder", l.holder());
                out.writeEndObject();
            }
            out.writeEndArray();
            journal(out, s, tail);
        }
        out.writeArrayFieldStart("devices");
        for (FxInspection.Device d : x.devices()) {
            device(out, view, d);
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** {@code "journal": [...]}: the last {@code tail} entries, each with its kind, subject, detail, IRQL, thread, text. */
    private static void journal(JsonGenerator out, Seen s, int tail) throws IOException {
        out.writeArrayFieldStart("journal");
        for (JournalEntry e : last(s.driver().journal(), tail)) {
            out.writeStartObject();
            out.writeStringField("kind", e.kind().name());
            out.writeStringField("subject", e.subject());
            out.writeStringField("detail", e.detail());
            out.writeStringField("irql", String.valueOf(e.irql()));
            out.writeStringField("thread", e.thread());
            out.writeStringField("text", e.toString());
            out.writeEndObject();
        }
        out.writeEndArray();
    }

    private static void device(JsonGenerator out, Kind view, FxInspection.Device d) throws IOException {
        out.writeStartObject();
        out.writeStringField("handle", d.handle());
        out.writeStringField("instanceId", d.instanceId());
        out.writeStringField("hardwareId", d.hardwareId());
        out.writeStringField("name", d.name());
        out.writeBooleanField("control", d.control());
        out.writeStringField("pnpState", d.pnpState().name());
        out.writeStringField("powerState", String.valueOf(d.powerState()));
        out.writeArrayFieldStart("queues");
        for (FxInspection.Queue q : d.queues()) {
            out.writeStartObject();
            out.writeStringField("handle", q.handle());
            out.writeStringField("dispatch", q.dispatch());
            out.writeBooleanField("defaultQueue", q.defaultQueue());
            out.writeBooleanField("powerManaged", q.powerManaged());
            out.writeBooleanField("accepting", q.accepting());
            out.writeBooleanField("dispatching", q.dispatching());
            out.writeNumberField("queued", q.queued());
            out.writeArrayFieldStart("held");
            for (FxInspection.Request r : q.held()) {
                request(out, r);
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeEndObject();
    }

    /** A request as JSON: {@code handle}, {@code type}, {@code length}, {@code ioControlCode}, {@code state}, ... */
    static void request(JsonGenerator out, FxInspection.Request r) throws IOException {
        out.writeStartObject();
        out.writeStringField("handle", r.handle());
        out.writeStringField("type", r.type());
        out.writeNumberField("length", r.length());
        out.writeNumberField("ioControlCode", r.ioControlCode());
        out.writeStringField("state", r.state().name());
        out.writeBooleanField("cancelable", r.cancelable());
        out.writeBooleanField("cancelRequested", r.cancelRequested());
        out.writeNumberField("heldNanos", r.heldNanos());
        out.writeNumberField("requestorPid", r.requestorPid());
        out.writeStringField("queue", r.queue());
        out.writeStringField("device", r.device());
        out.writeEndObject();
    }

    /** Only the parts of {@code s} that match: devices named {@code id}, or the request {@code handle}. */
    public static Seen onlyDevice(Seen s, String id) {
        List<FxInspection.Device> devices = s.inside().devices().stream().filter(d -> d.isNamed(id)).toList();
        FxInspection x = s.inside();
        return new Seen(s.driver(), new FxInspection(x.driver(), x.state(), x.objectCounts(), devices, x.busy()));
    }

    /** Only the request {@code handle} (with its device and queue around it), or no devices when it holds none such. */
    public static Seen onlyRequest(Seen s, String handle) {
        FxInspection x = s.inside();
        List<FxInspection.Device> devices = new ArrayList<>();
        for (FxInspection.Device d : x.devices()) {
            List<FxInspection.Queue> queues = new ArrayList<>();
            for (FxInspection.Queue q : d.queues()) {
                List<FxInspection.Request> held = q.held().stream().filter(r -> r.handle().equalsIgnoreCase(handle)).toList();
                if (!held.isEmpty()) {
                    queues.add(new FxInspection.Queue(q.handle(), q.dispatch(), q.defaultQueue(), q.powerManaged(),
                            q.accepting(), q.dispatching(), q.queued(), held));
                }
            }
            if (!queues.isEmpty()) {
                devices.add(new FxInspection.Device(d.handle(), d.instanceId(), d.hardwareId(), d.name(), d.control(),
                        d.pnpState(), d.powerState(), queues));
            }
        }
        return new Seen(s.driver(), new FxInspection(x.driver(), x.state(), x.objectCounts(), devices, x.busy()));
    }
}
