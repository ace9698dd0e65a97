package org.wdf4j.host;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.wdf4j.host.cli.Wdf4jCommand;
import picocli.CommandLine;

/**
 * One run of the {@code wdf4j} command inside the test JVM, with what it printed.
 *
 * @param exit its exit status
 * @param out what it printed on stdout
 * @param err what it printed on stderr
 */
record CliRun(int exit, String out, String err) {

    /** Runs the command with these arguments, capturing stdout and stderr. */
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Wdf4jCommand()).execute(args);
            return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }
}
