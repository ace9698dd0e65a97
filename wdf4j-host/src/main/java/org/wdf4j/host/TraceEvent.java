package org.wdf4j.host;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import org.wdf4j.host.isolation.Wire;

/**
 * One of the framework's JFR events ({@code org.wdf4j.*}) as {@code wdf4j trace} shows it, typed: made from the
 * recorded event where it happened (the host, or an isolated driver's driver host, which sends it over its channel),
 * sent to the CLI over the control socket as a JSON object, and printed as one line.
 *
 * @param time when it happened
 * @param kind the event's name without {@code org.wdf4j.}, e.g. {@code PnpTransition}
 * @param driver the driver it is about
 * @param device the device's instance ID (or handle when it has none), or null when the event names no device
 * @param fields its other fields, in the event's order: {@link String}, {@link Long}, {@link Boolean} or
 *     {@link Duration} (a JFR timespan) values
 */
public record TraceEvent(Instant time, String kind, String driver, String device, Map<String, Object> fields) {

    private static final String PREFIX = "org.wdf4j.";
    /** The fields JFR adds to every event, and those the record has of its own. */
    private static final Set<String> NOT_FIELDS = Set.of("startTime", "duration", "eventThread", "stackTrace",
            "driver", "instanceId");
    private static final JsonFactory JSON = JsonFactory.builder().build();
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

    public TraceEvent {
        fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    /** The event as {@code wdf4j trace} shows it. */
    public static TraceEvent of(RecordedEvent e) {
        Map<String, Object> fields = new LinkedHashMap<>();
        String device = null;
        for (jdk.jfr.ValueDescriptor v : e.getFields()) {
            String name = v.getName();
            if (name.equals("instanceId") || name.equals("device") && device == null) {
                String value = e.getString(name);
                if (value != null && !value.isEmpty()) {
                    device = value;
                }
            }
            if (NOT_FIELDS.contains(name)) {
                continue;
            }
            Object value;
            if ("jdk.jfr.Timespan".equals(v.getContentType())) {
                value = e.getDuration(name);
            } else {
                value = switch (e.getValue(name)) {
                    case Integer i -> (long) i;
                    case Short s -> (long) s;
                    case Long l -> l;
                    case Boolean b -> b;
                    case null -> null;
                    case Object o -> String.valueOf(o);
                };
            }
            if (value != null) {
                fields.put(name, value);
            }
        }
        String kind = e.getEventType().getName();
        return new TraceEvent(e.getStartTime(), kind.startsWith(PREFIX) ? kind.substring(PREFIX.length()) : kind,
                e.hasField("driver") ? e.getString("driver") : null, device, fields);
    }

    /** One line for people: {@code 12:00:01.234 echo PnpTransition ROOT\ECHO\0000 pnpEvent=START ...}. */
    public String line() {
        StringBuilder out = new StringBuilder();
        out.append(CLOCK.format(LocalTime.ofInstant(time, ZoneId.systemDefault()))).append(' ')
                .append(driver == null ? "-" : driver).append(' ').append(kind).append(' ')
                .append(device == null ? "-" : device);
        fields.forEach((name, value) -> out.append(' ').append(name).append('=').append(text(value)));
        return out.toString();
    }

    private static String text(Object value) {
        return switch (value) {
            case Duration d -> d.toNanos() < 1_000_000 ? String.format(Locale.ROOT, "%.1fus", d.toNanos() / 1e3)
                    : String.format(Locale.ROOT, "%.1fms", d.toNanos() / 1e6);
            case String s -> s.isEmpty() || s.contains(" ") ? "\"" + s + "\"" : s;
            default -> String.valueOf(value);
        };
    }

    // ---------------------------------------------------------------------------------------------
    // JSON, on the control socket and for wdf4j trace --json

    /**
     * One JSON object on one line: {@code time} (ISO-8601), {@code kind}, {@code driver}, {@code device} and
     * {@code fields}; a timespan field {@code elapsed} is written as {@code elapsedNanos}.
     */
    public String json() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeStringField("time", time.toString());
            out.writeStringField("kind", kind);
            out.writeStringField("driver", driver);
            out.writeStringField("device", device);
            out.writeObjectFieldStart("fields");
            for (Map.Entry<String, Object> f : fields.entrySet()) {
                switch (f.getValue()) {
                    case Long l -> out.writeNumberField(f.getKey(), l);
                    case Boolean b -> out.writeBooleanField(f.getKey(), b);
                    case Duration d -> out.writeNumberField(f.getKey() + "Nanos", d.toNanos());
                    default -> out.writeStringField(f.getKey(), String.valueOf(f.getValue()));
                }
            }
            out.writeEndObject();
            out.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** The event {@link #json()} wrote. */
    public static TraceEvent parse(String json) throws IOException {
        Instant time = null;
        String kind = null;
        String driver = null;
        String device = null;
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IOException("a trace event is a JSON object, not: " + json);
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                switch (name) {
                    case "time" -> time = Instant.parse(p.getText());
                    case "kind" -> kind = p.getText();
                    case "driver" -> driver = t == JsonToken.VALUE_NULL ? null : p.getText();
                    case "device" -> device = t == JsonToken.VALUE_NULL ? null : p.getText();
                    case "fields" -> {
                        while (p.nextToken() == JsonToken.FIELD_NAME) {
                            String field = p.currentName();
                            JsonToken v = p.nextToken();
                            if (v == JsonToken.VALUE_NUMBER_INT && field.endsWith("Nanos")) {
                                fields.put(field.substring(0, field.length() - 5), Duration.ofNanos(p.getLongValue()));
                            } else if (v == JsonToken.VALUE_NUMBER_INT) {
                                fields.put(field, p.getLongValue());
                            } else if (v == JsonToken.VALUE_TRUE || v == JsonToken.VALUE_FALSE) {
                                fields.put(field, p.getBooleanValue());
                            } else {
                                fields.put(field, p.getText());
                            }
                        }
                    }
                    default -> p.skipChildren();
                }
            }
        }
        if (time == null || kind == null) {
            throw new IOException("a trace event without its time or kind: " + json);
        }
        return new TraceEvent(time, kind, driver, device, fields);
    }

    // ---------------------------------------------------------------------------------------------
    // The driver-host channel

    /** Writes the event's fields for the driver-host channel (the {@code TraceEvent} message). */
    public void write(DataOutputStream out) throws IOException {
        out.writeLong(time.getEpochSecond());
        out.writeInt(time.getNano());
        Wire.string(out, kind);
        Wire.string(out, driver);
        Wire.string(out, device);
        out.writeInt(fields.size());
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            Wire.string(out, f.getKey());
            switch (f.getValue()) {
                case Long l -> {
                    out.writeByte('J');
                    out.writeLong(l);
                }
                case Boolean b -> {
                    out.writeByte('Z');
                    out.writeBoolean(b);
                }
                case Duration d -> {
                    out.writeByte('D');
                    out.writeLong(d.toNanos());
                }
                default -> {
                    out.writeByte('S');
                    Wire.string(out, String.valueOf(f.getValue()));
                }
            }
        }
    }

    /** Reads what {@link #write} wrote. */
    public static TraceEvent read(DataInputStream in) throws IOException {
        Instant time = Instant.ofEpochSecond(in.readLong(), in.readInt());
        String kind = Wire.string(in);
        String driver = Wire.string(in);
        String device = Wire.string(in);
        int n = in.readInt();
        Map<String, Object> fields = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            String name = Wire.string(in);
            byte type = in.readByte();
            fields.put(name, switch (type) {
                case 'J' -> in.readLong();
                case 'Z' -> in.readBoolean();
                case 'D' -> Duration.ofNanos(in.readLong());
                case 'S' -> Wire.string(in);
                default -> throw new IOException("driver-host protocol: unknown trace field type " + type);
            });
        }
        return new TraceEvent(time, kind, driver, device, fields);
    }
}
