package org.wdf4j.host.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import org.wdf4j.host.StateDirLockedException;
import org.wdf4j.host.control.AccessDeniedMessage;
import org.wdf4j.host.control.HostServer;
import org.wdf4j.host.control.Request;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code wdf4j host}: the long-lived host with its control socket; {@code wdf4j host shutdown} stops it. */
@Command(name = "host", mixinStandardHelpOptions = true,
        description = {"Run the driver host in the foreground, serving the other wdf4j commands on the control socket "
                + "STATE/host.sock, until Ctrl-C, SIGTERM or wdf4j host shutdown. Drivers still running then are "
                + "stopped and their unload reports printed.",
                "Exit status: 0 after a clean shutdown, 1 when the state directory is in use or the socket cannot be made."},
        subcommands = HostCommand.Shutdown.class)
final class HostCommand implements Callable<Integer> {

    @Mixin
    StateDirMixin state;

    @Option(names = "--mount-root", paramLabel = "DIR", description = "Where the devices appear as files (FUSE); "
            + "default: STATE/dev.")
    Path mountRoot;

    @Option(names = "--no-device-files", description = "Do not mount the devices as files.")
    boolean noDeviceFiles;

    @Option(names = "--clean-start", description = "Do not bring back the drivers started and the devices added "
            + "before (STATE/start-state); they stay recorded for the next host started without this option.")
    boolean cleanStart;

    @Override
    public Integer call() throws InterruptedException {
        HostServer server;
        try {
            server = HostServer.start(state.dir(), noDeviceFiles ? null
                    : mountRoot != null ? mountRoot : state.dir().resolve("dev"), cleanStart, System.out);
        } catch (StateDirLockedException e) {
            System.err.println("wdf4j host: " + e.getMessage());
            return 1;
        } catch (AccessDeniedException e) {
            System.err.println("wdf4j host: " + AccessDeniedMessage.of("the state directory", state.dir()));
            return 1;
        } catch (IOException e) {
            System.err.println("wdf4j host: cannot start on " + state.dir() + ": " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(server::shutdown, "wdf4j-host-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        System.out.println("wdf4j host: pid " + ProcessHandle.current().pid() + ", state " + state.store().describe()
                + ", listening on " + server.socketPath() + " (Ctrl-C or wdf4j host shutdown to stop)");
        System.out.flush();
        server.awaitShutdown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // SIGTERM: the hook is what stopped the host
        }
        return 0;
    }

    @Command(name = "shutdown", mixinStandardHelpOptions = true,
            description = {"Stop the running host: every driver is stopped and its report printed.",
                    "Exit status: 0 done, 4 no host is running."})
    static final class Shutdown implements Callable<Integer> {
        @Mixin
        StateDirMixin state;

        @Override
        public Integer call() {
            return state.onHost("host shutdown", new Request("shutdown", Map.of(), ""));
        }
    }
}
