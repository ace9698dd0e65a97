package org.wdf4j.host.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code wdf4j} command. */
@Command(name = "wdf4j", mixinStandardHelpOptions = true, version = "wdf4j 0.1.0 (framework 1.0)",
        description = "A device-driver framework for Java modelled on Windows Driver Frameworks.",
        subcommands = {DemoCommand.class, RunCommand.class, StoreCommands.Install.class, StoreCommands.Uninstall.class,
                StoreCommands.ListDrivers.class, StoreCommands.Status.class,
                StoreCommands.Reports.class, DriverCommand.class, InspectCommand.class, TraceCommand.class, HostCommand.class,
                DeviceCommands.Devices.class, DeviceCommands.Device.class, BusCommands.Bus.class, DeviceCommands.Power.class,
                NewCommand.class, VerifyCommand.class})
public final class Wdf4jCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Wdf4jCommand()).execute(args));
    }
}
