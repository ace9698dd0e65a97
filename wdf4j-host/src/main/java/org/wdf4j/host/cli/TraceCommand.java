package org.wdf4j.host.cli;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wdf4j.host.TraceEvent;
import org.wdf4j.host.control.Output;
import org.wdf4j.host.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wdf4j trace [DRIVER] [--json]}: the framework's events of the drivers running in the host, live, one line each,
 * as tracelog shows a WPP session (docs/tracing.md).
 */
@Command(name = "trace", mixinStandardHelpOptions = true,
        description = {"Show the framework's events of the drivers in the host (wdf4j host) as they happen, like "
                + "tracelog: PnP and power transitions, requests presented, completed and cancelled, DriverEntry, "
                + "EvtDriverUnload, verifier findings, bug checks, leaks; one line each (time, driver, kind, device, "
                + "fields), in-process and isolated drivers alike, until Ctrl-C or the host ends.",
                "Exit status: 0 the host ended the trace (it shut down), 4 no host is running."})
final class TraceCommand implements Callable<Integer> {

    @Mixin
    StateDirMixin state;

    @Parameters(paramLabel = "DRIVER", arity = "0..1", description = "Only this driver's events (default: every driver's).")
    String driver;

    @Option(names = "--json", description = "Print each event as a JSON object on a line of its own.")
    boolean json;

    @Override
    public Integer call() {
        Output prefixed = StateDirMixin.prefixed("trace");
        Output out = prefixed.withEvents(event -> {
            if (json) {
                System.out.println(event);
                return;
            }
            try {
                System.out.println(TraceEvent.parse(event).line());
            } catch (IOException e) {
                prefixed.err("an event the host sent cannot be read (" + e.getMessage() + "): " + event);
            }
        });
        Map<String, String> options = new LinkedHashMap<>();
        return state.onHost("trace", new Request("trace", options, driver == null ? "" : driver), out);
    }
}
