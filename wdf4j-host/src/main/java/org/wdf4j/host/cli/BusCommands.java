package org.wdf4j.host.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.wdf4j.framework.NameRule;
import org.wdf4j.host.control.HostCommands;
import org.wdf4j.host.control.Request;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code wdf4j bus plug-in|unplug|eject SERIAL}: the toaster bus's {@code enum} tool. Each sends the bus driver's I/O
 * control (busenum's {@code IOCTL_BUSENUM_PLUGIN_HARDWARE}, {@code ..._UNPLUG_...}, {@code ..._EJECT_...}) to a toaster
 * bus of the running host, over its control socket, as a client that opens the bus's interface would.
 */
final class BusCommands {

    private BusCommands() {
    }

    private static final String EXIT = "Exit status: 0 done, 1 refused (no such bus or toaster, a bad serial number; "
            + "the message says which), 4 no host is running.";

    @Command(name = "bus", mixinStandardHelpOptions = true,
            description = "Plug toasters into a toaster bus of the running host (wdf4j host), unplug or eject them, as "
                    + "the enum tool of Microsoft's toaster bus sample does.",
            subcommands = {PlugIn.class, Unplug.class, Eject.class})
    static final class Bus implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "plug-in", mixinStandardHelpOptions = true,
            description = {"Plug in a toaster with serial number SERIAL (enum -p): the bus reports a new child, which "
                    + "appears under the bus in wdf4j devices and gets its driver.", EXIT})
    static final class PlugIn extends OnBus {
        @Option(names = "--hardware-id", paramLabel = "ID", description = "The child's hardware ID (default: the "
                + "toaster's, {b85b7c50-6a01-11d2-b841-00c04fad5171}\\MsToaster).")
        String hardwareId;

        PlugIn() {
            super("plug-in");
        }

        @Override
        Optional<String> check(Map<String, String> options) {
            if (hardwareId == null) {
                return Optional.empty();
            }
            Optional<String> broken = NameRule.HARDWARE_ID.violation(hardwareId.strip());
            if (broken.isPresent()) {
                return Optional.of(NameRule.HARDWARE_ID.refusal(hardwareId, broken.get()));
            }
            options.put("hardware-id", hardwareId.strip());
            return Optional.empty();
        }
    }

    @Command(name = "unplug", mixinStandardHelpOptions = true,
            description = {"Unplug the toaster with serial number SERIAL, 0 for every toaster (enum -u): a surprise "
                    + "removal.", EXIT})
    static final class Unplug extends OnBus {
        Unplug() {
            super("unplug");
        }
    }

    @Command(name = "eject", mixinStandardHelpOptions = true,
            description = {"Eject the toaster with serial number SERIAL (enum -e): an orderly removal, which a driver "
                    + "holding the toaster open may veto.", EXIT})
    static final class Eject extends OnBus {
        Eject() {
            super("eject");
        }
    }

    /** {@code wdf4j bus VERB SERIAL [--bus INSTANCE_ID]}, sent to the host as {@code bus-VERB}. */
    abstract static class OnBus implements Callable<Integer> {
        private final String verb;

        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "SERIAL", description = "The toaster's serial number, a whole number from 1.")
        String serialNo;

        @Option(names = "--bus", paramLabel = "INSTANCE_ID", description = "The bus device, e.g. ROOT\\BUSENUM\\0000 "
                + "(see wdf4j devices); needed only when the host has several toaster buses.")
        String bus;

        OnBus(String verb) {
            this.verb = verb;
        }

        /** Adds the command's own options; a refusal's text when one is broken. */
        Optional<String> check(Map<String, String> options) {
            return Optional.empty();
        }

        @Override
        public Integer call() {
            Map<String, String> options = new LinkedHashMap<>();
            if (bus != null) {
                options.put("bus", bus.strip());
            }
            Optional<String> refused = check(options);
            if (refused.isPresent()) {
                System.err.println("wdf4j bus " + verb + ": " + refused.get());
                return HostCommands.REFUSED;
            }
            return state.onHost("bus " + verb, new Request("bus-" + verb, options, serialNo.strip()));
        }
    }
}
