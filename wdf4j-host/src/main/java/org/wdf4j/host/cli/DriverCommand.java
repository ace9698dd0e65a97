package org.wdf4j.host.cli;

import java.util.Map;
import java.util.concurrent.Callable;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.control.Request;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code wdf4j driver start|stop NAME}: drivers in the running host. */
@Command(name = "driver", mixinStandardHelpOptions = true,
        description = "Start or stop an installed driver in the running host (wdf4j host).",
        subcommands = {DriverCommand.Start.class, DriverCommand.Stop.class})
final class DriverCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    @Command(name = "start", mixinStandardHelpOptions = true,
            description = {"Load an installed driver in the running host and call its DriverEntry. It is remembered: "
                    + "a host started later on this state directory starts it again, until wdf4j driver stop.",
                    "Exit status: 0 started, 1 refused, 2 bad package, 3 DriverEntry failed (its report is printed), "
                            + "4 no host is running."})
    static final class Start implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--no-verifier", description = "Run the driver with the verifier off (it is on by default).")
        boolean noVerifier;

        @Option(names = "--hosting", paramLabel = "MODEL", converter = HostingConverter.class,
                description = "Where the driver runs: pooled (the pool's driver host process), isolated (a driver "
                        + "host process of its own) or in-process (the host's JVM). Default: as chosen at install, else "
                        + "the package's Wdf4j-Hosting, else pooled.")
        HostingModel hosting;

        @Override
        public Integer call() {
            Map<String, String> options = new java.util.LinkedHashMap<>();
            if (noVerifier) {
                options.put("no-verifier", "");
            }
            if (hosting != null) {
                options.put("hosting", hosting.label());
            }
            return state.onHost("driver start", new Request("start", options, name));
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true,
            description = {"Unload a driver in the running host and print its unload report. A driver the user "
                    + "started is started again when a host starts on this state directory, until it is stopped.",
                    "Exit status: 0 clean, 1 refused (not running, or a non-PnP driver without EvtDriverUnload), "
                            + "3 not clean, 4 no host is running."})
    static final class Stop implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--json", description = "Print the report as one JSON object (as in wdf4j run --json).")
        boolean json;

        @Override
        public Integer call() {
            return state.onHost("driver stop", new Request("stop", json ? Map.of("json", "") : Map.of(), name));
        }
    }
}
