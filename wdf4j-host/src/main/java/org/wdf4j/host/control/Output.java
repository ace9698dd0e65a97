package org.wdf4j.host.control;

import java.io.PrintStream;

/** Where a command writes: lines for standard output and lines for standard error. */
public interface Output {

    void out(String line);

    void err(String line);

    /** Writes every line of {@code text} to standard output. */
    default void outText(String text) {
        for (String line : text.split("\n", -1)) {
            out(line);
        }
    }

    static Output of(PrintStream out, PrintStream err) {
        return new Output() {
            @Override
            public void out(String line) {
                out.println(line);
            }

            @Override
            public void err(String line) {
                err.println(line);
            }
        };
    }
}
