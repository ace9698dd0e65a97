package org.wdf4j.host.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One control request, as one line: {@code VERB [--FLAG | --OPTION=VALUE]... [ARGUMENT]}. The verb and
 * the flags are separated by single spaces; everything after them, to the end of the line, is the
 * argument (so a JAR path may contain spaces).
 *
 * @param verb the command, e.g. {@code start}
 * @param options the flags ({@code --replace} maps to an empty string) and options ({@code --entry=X})
 * @param argument the argument, or an empty string
 */
public record Request(String verb, Map<String, String> options, String argument) {

    /** The longest request line a host reads, in characters. */
    public static final int MAX_LINE = 8192;

    public Request {
        options = Map.copyOf(options);
    }

    public static Request parse(String line) {
        String rest = line.strip();
        int space = rest.indexOf(' ');
        String verb = space < 0 ? rest : rest.substring(0, space);
        rest = space < 0 ? "" : rest.substring(space + 1).stripLeading();
        Map<String, String> options = new LinkedHashMap<>();
        while (rest.startsWith("--")) {
            space = rest.indexOf(' ');
            String token = space < 0 ? rest : rest.substring(0, space);
            rest = space < 0 ? "" : rest.substring(space + 1).stripLeading();
            int eq = token.indexOf('=');
            options.put(eq < 0 ? token.substring(2) : token.substring(2, eq), eq < 0 ? "" : token.substring(eq + 1));
        }
        return new Request(verb, options, rest);
    }

    public boolean flag(String name) {
        return options.containsKey(name);
    }

    public String option(String name) {
        String v = options.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    /** The request as its line. */
    public String line() {
        StringBuilder out = new StringBuilder(verb);
        options.forEach((k, v) -> out.append(" --").append(k).append(v.isEmpty() ? "" : "=" + v));
        if (!argument.isEmpty()) {
            out.append(' ').append(argument);
        }
        return out.toString();
    }
}
