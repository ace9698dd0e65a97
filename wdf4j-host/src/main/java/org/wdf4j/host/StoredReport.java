package org.wdf4j.host;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wdf4j.framework.Finding;

/**
 * An unload report kept in the driver store ({@link ReportHistory}), with when it was made; or, for a file that cannot
 * be read back, the problem ({@link #report()} is then null).
 *
 * <p>The file is one JSON object, written and read with Jackson's streaming API:
 * <pre>
 * {"format":1, "time":"2025-01-31T12:00:00.123Z", "report":{"name":..., "driverEntryStatus":...,
 *  "driverEntrySucceeded":true, "driverEntryException":null, "evtDriverUnloadCalled":true, "devicesRemoved":[...],
 *  "callbacks":[...], "leaks":[{"kind","description","allocatedAt"}], "findings":[{"kind","rule","object","message",
 *  "stack"}], "failure":null, "hung":false, "ranIn":"in-process", "classLoaderCollected":true, "collectionNote":...,
 *  "gcRootPath":null, "clean":true}}
 * </pre>
 *
 * @param file the file it is kept in
 * @param time when the report was made; null when the file cannot be read
 * @param report the report; null when the file cannot be read
 * @param problem why the file cannot be read, naming it; null when it can
 */
public record StoredReport(Path file, Instant time, UnloadReport report, String problem) {

    private static final int FORMAT = 1;
    private static final JsonFactory JSON = JsonFactory.builder().build();

    /** The bytes of a report's file. */
    static byte[] toJson(UnloadReport report, Instant time) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeNumberField("format", FORMAT);
            out.writeStringField("time", time.toString());
            out.writeFieldName("report");
            write(report, out);
            out.writeEndObject();
        }
        return bytes.toByteArray();
    }

    /** Writes this kept report as {@code {"driver":..., "time":..., "file":..., "report":{...}}} or with its problem. */
    void write(JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("file", file.toString());
        out.writeStringField("time", time == null ? null : time.toString());
        if (report != null) {
            out.writeFieldName("report");
            write(report, out);
        } else {
            out.writeStringField("problem", problem);
        }
        out.writeEndObject();
    }

    /** Kept reports as one JSON document: {@code {"reports":[...]}}, oldest first. */
    public static String toJson(List<StoredReport> reports) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator out = JSON.createGenerator(bytes, JsonEncoding.UTF8)) {
            out.writeStartObject();
            out.writeArrayFieldStart("reports");
            for (StoredReport r : reports) {
                r.write(out);
            }
            out.writeEndArray();
            out.writeEndObject();
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static void write(UnloadReport r, JsonGenerator out) throws IOException {
        out.writeStartObject();
        out.writeStringField("name", r.driver());
        out.writeStringField("driverEntryStatus", r.driverEntryStatus());
        out.writeBooleanField("driverEntrySucceeded", r.driverEntrySucceeded());
        out.writeStringField("driverEntryException", r.driverEntryException());
        out.writeBooleanField("evtDriverUnloadCalled", r.evtDriverUnloadCalled());
        strings(out, "devicesRemoved", r.devicesRemoved());
        strings(out, "callbacks", r.callbacks());
        out.writeArrayFieldStart("leaks");
        for (UnloadReport.Leak leak : r.leaks()) {
            out.writeStartObject();
            out.writeStringField("kind", leak.kind());
            out.writeStringField("description", leak.description());
            out.writeStringField("allocatedAt", leak.allocatedAt());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeArrayFieldStart("findings");
        for (Finding f : r.findings()) {
            out.writeStartObject();
            out.writeStringField("kind", f.kind().name());
            out.writeStringField("rule", f.rule());
            out.writeStringField("object", f.object());
            out.writeStringField("message", f.message());
            out.writeStringField("stack", f.stack());
            out.writeEndObject();
        }
        out.writeEndArray();
        out.writeStringField("failure", r.failure());
        out.writeBooleanField("hung", r.hung());
        out.writeStringField("ranIn", r.ranIn());
        out.writeFieldName("classLoaderCollected");
        if (r.classLoaderCollected() == null) {
            out.writeNull();
        } else {
            out.writeBoolean(r.classLoaderCollected());
        }
        out.writeStringField("collectionNote", r.collectionNote());
        out.writeStringField("gcRootPath", r.gcRootPath());
        out.writeBooleanField("clean", r.clean());
        out.writeEndObject();
    }

    private static void strings(JsonGenerator out, String name, List<String> values) throws IOException {
        out.writeArrayFieldStart(name);
        for (String v : values) {
            out.writeString(v);
        }
        out.writeEndArray();
    }

    /** Reads a kept report; a file that is not one gives a report with its problem, naming the file. */
    static StoredReport read(Path file, String driver) {
        try (InputStream in = Files.newInputStream(file); JsonParser parser = JSON.createParser(in)) {
            if (!(value(parser, parser.nextToken()) instanceof Map<?, ?> root)) {
                throw new Invalid("it is not a JSON object");
            }
            if (!Integer.valueOf(FORMAT).equals(root.get("format"))) {
                throw new Invalid("its format is " + root.get("format") + ", not " + FORMAT);
            }
            if (parser.nextToken() != null) {
                throw new Invalid("it goes on after its object");
            }
            Instant time;
            try {
                time = Instant.parse(string(root, "time", false));
            } catch (DateTimeParseException e) {
                throw new Invalid("its time is not a time (" + e.getMessage() + ")");
            }
            Map<?, ?> r = object(root, "report");
            if (!driver.equals(r.get("name"))) {
                throw new Invalid("it is the report of '" + r.get("name") + "', not of " + driver);
            }
            List<UnloadReport.Leak> leaks = new ArrayList<>();
            for (Map<?, ?> leak : objects(r, "leaks")) {
                leaks.add(new UnloadReport.Leak(string(leak, "kind", false), string(leak, "description", false),
                        string(leak, "allocatedAt", false)));
            }
            List<Finding> findings = new ArrayList<>();
            for (Map<?, ?> f : objects(r, "findings")) {
                Finding.Kind kind;
                try {
                    kind = Finding.Kind.valueOf(string(f, "kind", false));
                } catch (IllegalArgumentException e) {
                    throw new Invalid("a finding's kind is " + f.get("kind"));
                }
                findings.add(new Finding(kind, string(f, "rule", false), string(f, "object", false),
                        string(f, "message", false), string(f, "stack", false)));
            }
            Object collected = r.get("classLoaderCollected");
            if (collected != null && !(collected instanceof Boolean)) {
                throw new Invalid("classLoaderCollected is not true, false or null");
            }
            UnloadReport report = new UnloadReport(driver, string(r, "driverEntryStatus", false),
                    bool(r, "driverEntrySucceeded"), string(r, "driverEntryException", true),
                    bool(r, "evtDriverUnloadCalled"), strings(r, "callbacks"), leaks, findings,
                    string(r, "failure", true), bool(r, "hung"), (Boolean) collected,
                    string(r, "collectionNote", false), string(r, "gcRootPath", true), strings(r, "devicesRemoved"),
                    string(r, "ranIn", false));
            return new StoredReport(file, time, report, null);
        } catch (Invalid e) {
            return damaged(file, e.getMessage());
        } catch (IOException e) {
            return damaged(file, "it cannot be read as JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    private static StoredReport damaged(Path file, String problem) {
        return new StoredReport(file, null, null, file + " is not a valid unload report: " + problem);
    }

    /** The value starting at {@code token}: a Map, List, String, Integer/Long, Double, Boolean or null. */
    private static Object value(JsonParser parser, JsonToken token) throws IOException {
        if (token == null) {
            throw new Invalid("it ends too soon");
        }
        return switch (token) {
            case START_OBJECT -> {
                Map<String, Object> map = new LinkedHashMap<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    map.put(name, value(parser, parser.nextToken()));
                }
                yield map;
            }
            case START_ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    list.add(value(parser, t));
                }
                yield list;
            }
            case VALUE_STRING -> parser.getText();
            case VALUE_NUMBER_INT -> parser.getNumberValue();
            case VALUE_NUMBER_FLOAT -> parser.getDoubleValue();
            case VALUE_TRUE -> Boolean.TRUE;
            case VALUE_FALSE -> Boolean.FALSE;
            case VALUE_NULL -> null;
            default -> throw new Invalid("it has " + token + " where a value belongs");
        };
    }

    private static String string(Map<?, ?> map, String key, boolean nullable) throws Invalid {
        Object v = map.get(key);
        if (v instanceof String s) {
            return s;
        }
        if (v == null && nullable && map.containsKey(key)) {
            return null;
        }
        throw new Invalid(key + " is " + (map.containsKey(key) ? "not a string" : "missing"));
    }

    private static boolean bool(Map<?, ?> map, String key) throws Invalid {
        if (map.get(key) instanceof Boolean b) {
            return b;
        }
        throw new Invalid(key + " is not true or false");
    }

    private static Map<?, ?> object(Map<?, ?> map, String key) throws Invalid {
        if (map.get(key) instanceof Map<?, ?> m) {
            return m;
        }
        throw new Invalid(key + " is not an object");
    }

    private static List<String> strings(Map<?, ?> map, String key) throws Invalid {
        List<String> out = new ArrayList<>();
        if (!(map.get(key) instanceof List<?> list)) {
            throw new Invalid(key + " is not an array");
        }
        for (Object item : list) {
            if (!(item instanceof String s)) {
                throw new Invalid(key + " holds something that is not a string");
            }
            out.add(s);
        }
        return out;
    }

    private static List<Map<?, ?>> objects(Map<?, ?> map, String key) throws Invalid {
        List<Map<?, ?>> out = new ArrayList<>();
        if (!(map.get(key) instanceof List<?> list)) {
            throw new Invalid(key + " is not an array");
        }
        for (Object item : list) {
            if (!(item instanceof Map<?, ?> m)) {
                throw new Invalid(key + " holds something that is not an object");
            }
            out.add(m);
        }
        return out;
    }

    /** What makes a file not a valid report. */
    private static final class Invalid extends IOException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }
}
