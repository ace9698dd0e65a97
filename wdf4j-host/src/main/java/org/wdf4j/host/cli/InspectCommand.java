package org.wdf4j.host.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wdf4j.host.control.Request;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wdf4j inspect driver|journal|device|queues|request}: what a driver running in the host looks like inside, the
 * counterpart of WDF's {@code !wdfkd} debugger extension (docs/inspect.md).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = {"See inside a driver running in the host (wdf4j host), as WDF's !wdfkd debugger extension does: "
                + "a driver (with its timers, work items and locks), its journal, a device, a device's queues and the "
                + "requests the driver holds, one request.",
                "Exit status: 0 shown, 1 no such driver, device or request, 4 no host is running."},
        subcommands = {InspectCommand.Driver.class, InspectCommand.Journal.class, InspectCommand.Device.class, InspectCommand.Queues.class,
                InspectCommand.OneRequest.class})
final class InspectCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** What every view takes: the state directory and --json. */
    abstract static class View implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Option(names = "--json", description = "Print one JSON object instead of text.")
        boolean json;

        abstract String view();

        abstract String argument();

        void options(Map<String, String> options) {
        }

        @Override
        public Integer call() {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("view", view());
            if (json) {
                options.put("json", "");
            }
            options(options);
            return state.onHost("inspect " + view(), new Request("inspect", options, argument()));
        }
    }

    /** A view of one driver: its name is the argument. */
    abstract static class OfDriver extends View {
        @Parameters(paramLabel = "NAME", description = "The driver's name (wdf4j list shows them).")
        String name;

        @Override
        String argument() {
            return name;
        }
    }

    @Command(name = "driver", mixinStandardHelpOptions = true,
            description = "A running driver (!wdfdriverinfo, !wdflogdump): its state, where it runs, its framework "
                    + "objects by type, its devices, what the framework runs or waits for on its behalf, the requests "
                    + "it holds, and the tail of its journal.")
    static final class Driver extends OfDriver {
        @Option(names = "--tail", paramLabel = "N", defaultValue = "20",
                description = "How many of the journal's last entries to show (default: ${DEFAULT-VALUE}).")
        int tail;

        @Override
        String view() {
            return "driver";
        }

        @Override
        void options(Map<String, String> options) {
            options.put("tail", Integer.toString(tail));
        }
    }

    @Command(name = "journal", mixinStandardHelpOptions = true,
            description = "A running driver's journal (!wdflogdump): its callbacks in order with their outcomes, and its "
                    + "DbgPrint lines, oldest first, as its unload report will list them.")
    static final class Journal extends OfDriver {
        @Option(names = "--tail", paramLabel = "N", description = "Only the last N entries (default: all).")
        Integer tail;

        @Override
        String view() {
            return "journal";
        }

        @Override
        void options(Map<String, String> options) {
            if (tail != null) {
                options.put("tail", Integer.toString(tail));
            }
        }
    }

    /** A view of one device: its ID is the argument. */
    abstract static class OfDevice extends View {
        @Parameters(paramLabel = "ID", description = "The device's instance ID (wdf4j devices lists them), its handle "
                + "(WDFDEVICE#N) or its name.")
        String id;

        @Override
        String argument() {
            return id;
        }
    }

    @Command(name = "device", mixinStandardHelpOptions = true,
            description = "A device (!wdfdevice): its PnP and power state and its queues, for each driver of its stack.")
    static final class Device extends OfDevice {
        @Override
        String view() {
            return "device";
        }
    }

    @Command(name = "queues", mixinStandardHelpOptions = true,
            description = "A device's queues (!wdfdevicequeues): dispatch type, power management, state, how many "
                    + "requests wait, and each request the driver holds: its type, length, how long ago it was "
                    + "delivered, its requestor, whether it is cancelable.")
    static final class Queues extends OfDevice {
        @Override
        String view() {
            return "queues";
        }
    }

    @Command(name = "request", mixinStandardHelpOptions = true,
            description = "One request a driver holds (!wdfrequest).")
    static final class OneRequest extends View {
        @Parameters(paramLabel = "HANDLE", description = "The request's handle, e.g. WDFREQUEST#12.")
        String handle;

        @Option(names = "--driver", paramLabel = "NAME", description = "Only in this driver (handles are per driver).")
        String driver;

        @Override
        String view() {
            return "request";
        }

        @Override
        String argument() {
            return handle;
        }

        @Override
        void options(Map<String, String> options) {
            if (driver != null) {
                options.put("driver", driver);
            }
        }
    }
}
