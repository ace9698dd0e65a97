package org.wdf4j.host.control;

import java.io.PrintStream;
import java.util.function.Consumer;

/** Where a command writes: lines for standard output and lines for standard error. */
public interface Output {

    void out(String line);

    void err(String line);

    /** One event of {@code wdf4j trace}, a JSON object ({@link org.wdf4j.host.TraceEvent#json()}); text by default. */
    default void event(String json) {
        out(json);
    }

    /** This output, with the events of a trace going to {@code events} instead. */
    default Output withEvents(Consumer<String> events) {
        return new To(this::out, this::err, events);
    }

    /** Writes every line of {@code text} to standard output. */
    default void outText(String text) {
        for (String line : text.split("\n", -1)) {
            out(line);
        }
    }

    /** Lines to {@code out} and {@code err}, e.g. the lists a test collects them in. */
    static Output of(Consumer<String> out, Consumer<String> err) {
        return new To(out, err, null);
    }

    /** Lines to {@code outLines} and {@code errLines}; events to {@code events}, or as lines to {@code outLines} when null. */
    record To(Consumer<String> outLines, Consumer<String> errLines, Consumer<String> events) implements Output {
        @Override
        public void out(String line) {
            outLines.accept(line);
        }

        @Override
        public void err(String line) {
            errLines.accept(line);
        }

        @Override
        public void event(String json) {
            (events == null ? outLines : events).accept(json);
        }
    }

    static Output of(PrintStream out, PrintStream err) {
        return of((Consumer<String>) out::println, err::println);
    }
}
