package org.wdf4j.host.cli;

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
 * The device tree of the running host: {@code wdf4j devices}, {@code wdf4j device add|remove|disable|enable|
 * surprise-remove}, {@code wdf4j power sleep|wake}. Each goes to the running host ({@code wdf4j host}) over its
 * control socket; without one they say so and how to start one.
 */
final class DeviceCommands {

    private DeviceCommands() {
    }

    private static final String EXIT = "Exit status: 0 done, 1 refused (unknown instance ID), 4 no host is running.";
    private static final String START_EXIT = "Exit status: 0 the device started, 1 refused (unknown instance ID), "
            + "3 it did not start (no driver lists its hardware ID, or EvtDriverDeviceAdd or the start failed), "
            + "4 no host is running.";

    @Command(name = "devices", mixinStandardHelpOptions = true,
            description = {"Show the device tree of the running host: every device node with its hardware ID, driver, "
                    + "status (STARTED, SUSPENDED, FAILED with its problem, DISABLED, NO_DRIVER, SURPRISE_REMOVED), "
                    + "its interfaces and control devices.", EXIT})
    static final class Devices implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Option(names = "--json", description = "Print the tree as one JSON array.")
        boolean json;

        @Option(names = {"-v", "--verbose"}, description = "Also show each device's hardware and compatible IDs, which "
                + "driver was chosen by which ID and rank, the candidates that lost, and its stack (bottom first).")
        boolean verbose;

        @Override
        public Integer call() {
            Map<String, String> options = new java.util.LinkedHashMap<>();
            if (json) {
                options.put("json", "");
            }
            if (verbose) {
                options.put("verbose", "");
            }
            return state.onHost("devices", new Request("devices", options, ""));
        }
    }

    @Command(name = "device", mixinStandardHelpOptions = true,
            description = "Add, remove, disable, enable or surprise-remove a device in the running host (wdf4j host).",
            subcommands = {Add.class, Remove.class, Disable.class, Enable.class, SurpriseRemove.class})
    static final class Device implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "add", mixinStandardHelpOptions = true,
            description = {"Add a root-enumerated device (as devcon install does): a node ROOT\\NAME\\NNNN bound to the "
                    + "driver whose Wdf4j-Hardware-Ids lists HWID (an installed one is started for it), "
                    + "EvtDriverDeviceAdd, then the start. The device is remembered: a host started later on this "
                    + "state directory adds it back with the same instance ID (not with --once).", START_EXIT})
    static final class Add implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "HWID", description = "The hardware ID, e.g. ROOT\\ECHO.")
        String hardwareId;

        @Option(names = "--once", description = "Do not remember the device: a host started later does not add it "
                + "back (by default it does, with the same instance ID).")
        boolean once;

        @Override
        public Integer call() {
            Optional<String> broken = NameRule.HARDWARE_ID.violation(hardwareId.strip());
            if (broken.isPresent()) { // here too: an ID too long for a request line still gets the rule it breaks
                System.err.println("wdf4j device add: " + NameRule.HARDWARE_ID.refusal(hardwareId, broken.get()));
                return HostCommands.REFUSED;
            }
            return state.onHost("device add", new Request("device-add", once ? Map.of("once", "") : Map.of(),
                    hardwareId));
        }
    }

    @Command(name = "remove", mixinStandardHelpOptions = true,
            description = {"Remove a device (an orderly remove) and delete its node.", EXIT})
    static final class Remove extends OnInstance {
        Remove() {
            super("remove");
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Disable a device: it is removed and its node stays, DISABLED, until enabled.", EXIT})
    static final class Disable extends OnInstance {
        Disable() {
            super("disable");
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = {"Enable a disabled device (or retry a failed one): EvtDriverDeviceAdd and the start again.",
                    START_EXIT})
    static final class Enable extends OnInstance {
        Enable() {
            super("enable");
        }
    }

    @Command(name = "surprise-remove", mixinStandardHelpOptions = true,
            description = {"The device is gone without warning (unplugged): surprise removal, then the remove; its "
                    + "node is deleted.", EXIT})
    static final class SurpriseRemove extends OnInstance {
        SurpriseRemove() {
            super("surprise-remove");
        }
    }

    @Command(name = "power", mixinStandardHelpOptions = true,
            description = "Put the running host's system to sleep or wake it: every started device goes to D3 or "
                    + "back to D0.",
            subcommands = {Sleep.class, Wake.class})
    static final class Power implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public void run() {
            spec.commandLine().usage(System.out);
        }
    }

    @Command(name = "sleep", mixinStandardHelpOptions = true,
            description = {"The system sleeps: every started device is suspended (D3), last added first; prints the "
                    + "tree.", "Exit status: 0 done, 4 no host is running."})
    static final class Sleep extends OnPower {
        Sleep() {
            super("sleep");
        }
    }

    @Command(name = "wake", mixinStandardHelpOptions = true,
            description = {"The system wakes: every suspended device resumes (D0), first added first; prints the tree.",
                    "Exit status: 0 done, 4 no host is running."})
    static final class Wake extends OnPower {
        Wake() {
            super("wake");
        }
    }

    /** A device command on one node: {@code wdf4j device VERB INSTANCE_ID}, sent to the host as {@code device-VERB}. */
    abstract static class OnInstance implements Callable<Integer> {
        private final String verb;

        @Mixin
        StateDirMixin state;

        @Parameters(paramLabel = "INSTANCE_ID", description = "e.g. ROOT\\ECHO\\0000 (see wdf4j devices).")
        String instanceId;

        OnInstance(String verb) {
            this.verb = verb;
        }

        @Override
        public Integer call() {
            return state.onHost("device " + verb, new Request("device-" + verb, Map.of(), instanceId));
        }
    }

    /** {@code wdf4j power VERB}, sent to the host as {@code power-VERB}. */
    abstract static class OnPower implements Callable<Integer> {
        private final String verb;

        @Mixin
        StateDirMixin state;

        OnPower(String verb) {
            this.verb = verb;
        }

        @Override
        public Integer call() {
            return state.onHost("power " + verb, new Request("power-" + verb, Map.of(), ""));
        }
    }
}
