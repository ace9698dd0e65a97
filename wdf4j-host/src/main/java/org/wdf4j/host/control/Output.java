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

    /** Writes every line of {@code text} to standard output. */
    default void outText(String text) {
        for (String line : text.split("\n", -1)) {
            out(line);
        }
    }

    /** Lines to {@code out} and {@code err}, e.g. the lists a test collects them in. */
    static Output of(Consumer<String> out, Consumer<String> err) {
        return new Output() {
            @Override
            public void out(String line) {
                out.accept(line);
            }

            @Override
            public void err(String line) {
                err.accept(line);
            }
        };
    }

    static Output of(PrintStream out, PrintStream err) {
        return of((Consumer<String>) out::println, err::println);
    }
}
