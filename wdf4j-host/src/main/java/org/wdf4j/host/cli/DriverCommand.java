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

/** {@code wdf4j driver start|stop|reload NAME}: drivers in the running host. */
@Command(name = "driver", mixinStandardHelpOptions = true,
        description = "Start, stop or reload an installed driver in the running host (wdf4j host).",
        subcommands = {DriverCommand.Start.class, DriverCommand.Stop.class, DriverCommand.Restart.class,
                DriverCommand.Reload.class})
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

    @Command(name = "restart", mixinStandardHelpOptions = true,
            description = {"Stop a running driver and start it again with its installed package, where it ran and with"
                    + " the same verifier settings: its unload report is printed, and the devices it had come back to"
                    + " it. A report that is not clean ends the restart (the driver stays stopped) unless --force. To"
                    + " replace the package too, use wdf4j driver reload.",
                    "Exit status: 0 restarted, 1 refused (not installed, not running, or the stop was refused), 3 the"
                            + " report was not clean (stopped), DriverEntry failed or a device did not start again."})
    static final class Restart implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(index = "0", paramLabel = "NAME", description = "The running driver.")
        String name;

        @Mixin
        StopOptions stop;

        @Override
        public Integer call() {
            Map<String, String> options = new java.util.LinkedHashMap<>();
            stop.into(options);
            return state.onHost("driver restart", new Request("restart", options, name));
        }
    }

    /** What restart and reload do with the stop's unload report. */
    static final class StopOptions {
        @Option(names = "--force", description = "Go on (replace the package, for reload) and start the driver again "
                + "even when its unload report is not clean.")
        boolean force;

        @Option(names = "--json", description = "Print the unload report as one JSON object.")
        boolean json;

        void into(Map<String, String> options) {
            if (force) {
                options.put("force", "");
            }
            if (json) {
                options.put("json", "");
            }
        }
    }

    @Command(name = "reload", mixinStandardHelpOptions = true,
            description = {"Replace a running driver's package and bring it back, in one command (the edit-reload "
                    + "loop: mvn package, then wdf4j driver reload NAME). The new package (JAR, else the file the "
                    + "driver was installed from) is checked first: a bad one is refused and nothing stops. Then the "
                    + "driver is stopped and its unload report printed; a report that is not clean ends the reload "
                    + "(the driver stays stopped, the old package installed) unless --force. Then the package is "
                    + "replaced in the store (atomically, parameters kept) and the driver started again where it ran, "
                    + "with the same verifier settings; the devices it had come back to it. A driver that is not "
                    + "running, or a store without a running host, has its package replaced only.",
                    "Exit status: 0 reloaded, 1 refused (not installed, or the stop was refused), 2 bad package "
                            + "(nothing changed), 3 the report was not clean (stopped, not replaced), DriverEntry "
                            + "failed or a device did not start again."})
    static final class Reload implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(index = "0", paramLabel = "NAME", description = "The installed driver.")
        String name;

        @Parameters(index = "1", arity = "0..1", paramLabel = "DRIVER.jar", description = "The new package (default: "
                + "the file it was installed from, as wdf4j status shows).")
        java.nio.file.Path jar;

        @Option(names = "--entry", paramLabel = "CLASS", description = "The entry class, for a JAR that holds several "
                + "drivers (default: the manifest's Wdf4j-Driver-Entry when it names this driver, else the installed "
                + "one).")
        String entry;

        @Mixin
        StopOptions stop;

        @Override
        public Integer call() {
            Map<String, String> options = new java.util.LinkedHashMap<>();
            if (jar != null) {
                options.put("jar", jar.toAbsolutePath().normalize().toString());
            }
            if (entry != null) {
                options.put("entry", entry);
            }
            stop.into(options);
            return state.onHostOrStore("driver reload", new Request("reload", options, name));
        }
    }
}
