package org.wdf4j.host;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.TimeZone;
import java.util.concurrent.ConcurrentHashMap;
import org.wdf4j.framework.Finding;

/**
 * The state of the JVM that every driver in it shares, and that a driver must leave as it found it: the system
 * properties, the standard streams ({@code System.in}, {@code out}, {@code err}), the default locale (and its display
 * and format categories) and the default time zone. A snapshot is taken before the driver's code first runs (before
 * its entry class is created, then DriverEntry) and {@linkplain #unrestored() compared} after its unload: what differs
 * becomes a finding of the unload report, naming what changed, from what, to what. This is done where the driver ran:
 * in the host's process, or in its driver host (the findings cross back with the rest of the release).
 *
 * <p>Several drivers share a JVM (in-process, or a driver host's pool), and a change cannot be traced to the driver
 * that made it. A change is therefore reported once: by the first unload after it, among the drivers loaded when it
 * was made; later unloads of other drivers do not report the same value again, until it has been undone.
 */
final class JvmState {

    /** The rule of the findings. */
    static final String RULE = "JVM_STATE";
    private static final int MAX_SHOWN = 200;

    /** Each change already reported, by what changed: the value it had then. Guarded by itself (concurrent). */
    private static final Map<String, String> REPORTED = new ConcurrentHashMap<>();

    /** What was seen, by what it is (e.g. {@code the system property user.home}); never changes. */
    private final Map<String, String> values;

    private JvmState(Map<String, String> values) {
        this.values = values;
    }

    /** The JVM's shared state now. */
    static JvmState capture() {
        Map<String, String> values = new HashMap<>();
        values.put("System.in", identity(System.in));
        values.put("System.out", identity(System.out));
        values.put("System.err", identity(System.err));
        values.put("the default locale", Locale.getDefault().toLanguageTag());
        values.put("the default display locale", Locale.getDefault(Locale.Category.DISPLAY).toLanguageTag());
        values.put("the default format locale", Locale.getDefault(Locale.Category.FORMAT).toLanguageTag());
        values.put("the default time zone", TimeZone.getDefault().getID());
        Properties properties = System.getProperties();
        for (String name : properties.stringPropertyNames()) {
            values.put("the system property " + name, properties.getProperty(name));
        }
        // A change reported once is reported again only once it was undone (or changed again) and is made anew.
        REPORTED.entrySet().removeIf(e -> !e.getValue().equals(String.valueOf(values.get(e.getKey()))));
        return new JvmState(values);
    }

    /**
     * What differs now from this snapshot, one finding each (not reported before by another unload): for example
     * {@code the system property user.home was '/root' before the driver was loaded and is '/tmp/x' after its unload}.
     */
    List<Finding> unrestored() {
        JvmState now = capture();
        List<String> keys = new ArrayList<>(values.keySet());
        now.values.keySet().stream().filter(k -> !values.containsKey(k)).forEach(keys::add);
        List<Finding> findings = new ArrayList<>();
        for (String what : keys.stream().sorted().toList()) {
            String before = values.get(what);
            String after = now.values.get(what);
            if (Objects.equals(before, after) || String.valueOf(after).equals(REPORTED.get(what))) {
                continue;
            }
            REPORTED.put(what, String.valueOf(after));
            findings.add(new Finding(Finding.Kind.VIOLATION, RULE, "", message(what, before, after), ""));
        }
        return findings;
    }

    private static String message(String what, String before, String after) {
        if (what.startsWith("System.")) {
            return what + " was replaced and not restored: " + before + " before the driver was loaded, " + after
                    + " after its unload (keep the original and set it back in EvtDriverUnload, or do not replace it)";
        }
        return what + (before == null ? " was not set" : " was " + shown(before)) + " before the driver was loaded and "
                + (after == null ? "is not set" : "is " + shown(after)) + " after its unload (JVM-wide state is "
                + "shared with the host and every other driver: restore it in EvtDriverUnload, or do not change it)";
    }

    private static String identity(Object o) {
        return o == null ? "null" : o.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(o));
    }

    /** The value quoted, with line breaks and tabs escaped, cut when long. */
    private static String shown(String value) {
        String escaped = value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
        return "'" + (escaped.length() <= MAX_SHOWN ? escaped : escaped.substring(0, MAX_SHOWN) + "...") + "'";
    }
}
