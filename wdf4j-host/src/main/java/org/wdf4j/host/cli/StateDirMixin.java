package org.wdf4j.host.cli;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.StateDirLockedException;
import org.wdf4j.host.control.AccessDeniedMessage;
import org.wdf4j.host.control.ControlSocketAccessException;
import org.wdf4j.host.control.HostClient;
import org.wdf4j.host.control.HostCommands;
import org.wdf4j.host.control.Output;
import org.wdf4j.host.control.Request;
import picocli.CommandLine.Option;

/** {@code --state-dir}, and running a request on the host of that directory or, without one, on the store. */
final class StateDirMixin {

    @Option(names = "--state-dir", paramLabel = "DIR",
            description = "The host's state directory: installed drivers, their parameters, the host's socket "
                    + "(default: $" + StateDirectory.ENV + ", else " + StateDirectory.DEFAULT
                    + " in the current directory).")
    Path stateDir;

    /** The store this command uses and why ({@link StateDirectory}). */
    StateDirectory store() {
        return StateDirectory.resolve(stateDir, System::getenv);
    }

    Path dir() {
        return store().dir();
    }

    /** Sends the request to the running host; empty when none answers. */
    OptionalInt toHost(String command, Request request, Output out) {
        try {
            return HostClient.request(dir(), request, out);
        } catch (ControlSocketAccessException e) {
            System.err.println("wdf4j " + command + ": " + e.getMessage());
            return OptionalInt.of(HostCommands.REFUSED);
        } catch (IOException e) {
            out.err("wdf4j " + command + ": the host at " + dir() + " did not answer: " + e.getMessage());
            return OptionalInt.of(HostCommands.REFUSED);
        }
    }

    /** Runs the request on the running host, or on the store directly when no host runs. */
    int onHostOrStore(String command, Request request) {
        Output out = Output.of(System.out, System.err);
        OptionalInt remote = toHost(command, request, out);
        if (remote.isPresent()) {
            return remote.getAsInt();
        }
        if (!java.nio.file.Files.exists(dir())) {
            System.err.println("wdf4j " + command + ": no store at " + store().describe() + "; making a new, empty one. "
                    + "To use an existing store from any directory, set " + StateDirectory.ENV + " (or --state-dir).");
        }
        try (DriverHost host = DriverHost.create(dir())) {
            return new HostCommands(host).execute(request, prefixed(command));
        } catch (StateDirLockedException e) {
            System.err.println("wdf4j " + command + ": " + e.getMessage() + " (and its socket does not answer)");
            return HostCommands.REFUSED;
        } catch (AccessDeniedException e) {
            System.err.println("wdf4j " + command + ": " + AccessDeniedMessage.of("the state directory", dir()));
            return HostCommands.REFUSED;
        } catch (IOException e) {
            System.err.println("wdf4j " + command + ": cannot use the state directory " + dir() + ": " + e);
            return HostCommands.REFUSED;
        }
    }

    /** Runs the request on the running host; says how to start one when none runs. */
    int onHost(String command, Request request) {
        return onHost(command, request, prefixed(command));
    }

    /** Runs the request on the running host, its answer going to {@code out}; says how to start one when none runs. */
    int onHost(String command, Request request, Output out) {
        OptionalInt remote = toHost(command, request, out);
        if (remote.isPresent()) {
            return remote.getAsInt();
        }
        System.err.println("wdf4j " + command + ": no wdf4j host is running for " + store().describe()
                + ". Start one in another shell with: wdf4j host --state-dir " + dir()
                + (stateDir == null ? " (or set " + StateDirectory.ENV + " to the store a running host uses)" : ""));
        return HostCommands.NO_HOST;
    }

    /** Standard output as is; standard error lines prefixed with the command, as the other commands do. */
    static Output prefixed(String command) {
        return new Output() {
            @Override
            public void out(String line) {
                System.out.println(line);
            }

            @Override
            public void err(String line) {
                System.err.println("wdf4j " + command + ": " + line);
            }
        };
    }
}
