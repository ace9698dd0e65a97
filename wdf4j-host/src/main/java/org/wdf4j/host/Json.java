package org.wdf4j.host;

import java.util.List;
import java.util.function.Consumer;

/** A minimal JSON writer for the host's reports: objects, arrays, strings, booleans, nulls, correctly escaped. */
final class Json {

    private final StringBuilder out = new StringBuilder();
    /** Whether the next value in the current object or array needs a comma before it. */
    private boolean comma;

    void begin() {
        separate();
        out.append('{');
        comma = false;
    }

    void end() {
        out.append('}');
        comma = true;
    }

    Json name(String name) {
        separate();
        quote(name);
        out.append(':');
        comma = false;
        return this;
    }

    void field(String name, String value) {
        name(name).string(value);
    }

    void field(String name, Boolean value) {
        name(name);
        separate();
        out.append(value == null ? "null" : value.toString());
        comma = true;
    }

    void string(String value) {
        separate();
        if (value == null) {
            out.append("null");
        } else {
            quote(value);
        }
        comma = true;
    }

    <T> void array(List<T> items, Consumer<T> writeItem) {
        separate();
        out.append('[');
        comma = false;
        for (T item : items) {
            writeItem.accept(item);
        }
        out.append(']');
        comma = true;
    }

    private void separate() {
        if (comma) {
            out.append(',');
            comma = false;
        }
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    @Override
    public String toString() {
        return out.toString();
    }
}
