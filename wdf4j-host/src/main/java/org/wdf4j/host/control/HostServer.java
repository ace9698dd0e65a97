package org.wdf4j.host.control;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.HostingModel;
import org.wdf4j.host.DriverStopRefusedException;
import org.wdf4j.host.HostedDriver;
import org.wdf4j.host.UnloadReport;

/**
 * A long-lived host serving requests on its control socket, {@code STATE/host.sock}: a Unix domain
 * socket that only its owner can use (mode 0600, in an 0700 state directory).
 *
 * <h2>Protocol</h2>
 * One request per connection. The client sends one line (UTF-8, ending in {@code \n}, at most
 * {@value Request#MAX_LINE} characters): {@code VERB [--FLAG | --OPTION=VALUE]... [ARGUMENT]} (see
 * {@link Request}). The host answers lines, each starting with its kind: {@code out TEXT} (a line
 * for standard output), {@code err TEXT} (a line for standard error), and last {@code exit N}, the
 * exit status (see {@link HostCommands}); then it closes the connection. {@code trace [DRIVER]} answers {@code event JSON}
 * lines ({@link org.wdf4j.host.TraceEvent#json()}) as the framework's events happen, until the client closes its end
 * or the host shuts down (then {@code exit 0}). Verbs: {@code ping},
 * {@code install}, {@code uninstall}, {@code list}, {@code status}, {@code start}, {@code stop} (with progress lines
 * on {@code err} while it waits), {@code inspect --view=driver|device|queues|request [--json] ARGUMENT},
 * {@code shutdown}; for the device tree ({@link org.wdf4j.host.PnpManager}): {@code devices [--json]},
 * {@code device-add HWID}, {@code device-remove ID}, {@code device-disable ID},
 * {@code device-enable ID}, {@code device-surprise-remove ID}, {@code power-sleep},
 * {@code power-wake}.
 *
 * <p>Starting takes the state directory's lock (one host per state directory, held by the kernel:
 * {@code StateDirLock}); since no live host can exist without the lock, a socket file found then is
 * stale and is replaced. The socket is bound under a private temporary name, made 0600 and only then
 * renamed into place, so nobody can connect before its permissions are set.
 *
 * <p>The socket file is the host's only way in, so the host keeps it: every
 * {@value #SOCKET_CHECK_MILLIS} ms it checks that {@code STATE/host.sock} is still the file it bound
 * (the same file key: device and inode), and when it is not (deleted, renamed away, replaced) it binds
 * a new one. A periodic check rather than a file-system watch: one {@code stat} a second costs nothing,
 * it sees every way the path can stop being the host's (a watch reports events, and misses some on
 * file systems without inotify, where the JDK's watch service itself polls), and a client that comes
 * in that second is told that no host answers, as for a host that is starting.
 *
 * <p>{@link #shutdown()} (a {@code shutdown} request, SIGTERM or Ctrl-C through the CLI's shutdown
 * hook) stops every driver, writes their reports to the log, removes the socket if it is still the
 * one this host bound (never another's) and releases the lock.
 */
public final class HostServer implements AutoCloseable {

    /** How often the host checks that its socket file is still there (and still its own). */
    static final long SOCKET_CHECK_MILLIS = 1000;

    private final DriverHost host;
    private final HostCommands commands;
    private final Path socket;
    private final PrintStream log;
    private final CountDownLatch stopped = new CountDownLatch(1);
    /** The channel listening on {@link #socket}; replaced when the socket file is lost. Guarded by {@code this}. */
    private ServerSocketChannel listener;
    /** The file key (device and inode) of the socket file {@link #listener} is bound to; guarded by {@code this}. */
    private Object socketKey;
    /** The traces being served, each counted down once its answer is sent: a shutdown ends them first. */
    private final java.util.Set<CountDownLatch> traces = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Set once by {@link #stopAll()}; guarded by {@code this}. */
    private boolean shutDown;

    private HostServer(DriverHost host, Path socket, PrintStream log) {
        this.host = host;
        this.commands = new HostCommands(host);
        this.socket = socket;
        this.log = log;
    }

    /**
     * Starts a host on {@code stateDir} and listens on its control socket.
     *
     * @param log where the host writes what happens (requests, reports at shutdown)
     * @throws org.wdf4j.host.StateDirLockedException when another host uses the state directory
     */
    public static HostServer start(Path stateDir, PrintStream log) throws IOException {
        return start(stateDir, null, log);
    }

    /**
     * Starts a host on {@code stateDir} and listens on its control socket; with a {@code mountRoot}, its devices are
     * files there (the FUSE reflector). When they cannot be mounted (no {@code /dev/fuse}, no privilege, a live host
     * on that root) the host runs without them and says why on {@code log}.
     */
    public static HostServer start(Path stateDir, Path mountRoot, PrintStream log) throws IOException {
        return start(stateDir, mountRoot, false, log);
    }

    /**
     * As {@link #start(Path, Path, PrintStream)}, and then, before it listens, the host brings back the drivers the
     * user started and the devices the user added ({@link DriverHost#restore}), saying each on {@code log}; with
     * {@code cleanStart} ({@code wdf4j host --clean-start}) it brings back none.
     */
    public static HostServer start(Path stateDir, Path mountRoot, boolean cleanStart, PrintStream log)
            throws IOException {
        DriverHost host = DriverHost.create(stateDir).defaultHosting(HostingModel.POOLED);
        try {
            if (mountRoot != null) {
                try {
                    host.mountDevices(mountRoot);
                    log.println("wdf4j host: device files in " + host.deviceFiles().orElseThrow().root());
                } catch (IOException e) {
                    log.println("wdf4j host: device files are off: cannot mount " + mountRoot + ": " + e.getMessage()
                            + " (FUSE needs /dev/fuse and CAP_SYS_ADMIN, e.g. root; --no-device-files silences this)");
                }
            }
            host.restore(cleanStart, line -> log.println("wdf4j host: " + line));
            Path socket = host.store().socketPath();
            if (Files.deleteIfExists(socket)) {
                log.println("wdf4j host: removed the stale socket " + socket + " (its host is gone)");
            }
            HostServer server = new HostServer(host, socket, log);
            synchronized (server) {
                server.listen();
            }
            Thread.ofPlatform().name("wdf4j-host-socket-check").daemon(true).start(server::keepSocket);
            return server;
        } catch (IOException | RuntimeException e) {
            host.close();
            throw e;
        }
    }

    /** Binds a new socket file and serves it on a thread of its own; the caller holds {@code this}. */
    private void listen() throws IOException {
        ServerSocketChannel bound = bindPrivately(socket);
        listener = bound;
        socketKey = fileKey(socket);
        Thread.ofPlatform().name("wdf4j-host-control").daemon(true).start(() -> acceptLoop(bound));
    }

    /** The file key of the file at {@code path} (not following links), or null when there is none. */
    private static Object fileKey(Path path) {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
        } catch (IOException e) {
            return null;
        }
    }

    /** Until the host stops: re-creates the socket file when it is no longer the one this host bound. */
    private void keepSocket() {
        try {
            while (!stopped.await(SOCKET_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
                checkSocket();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Re-creates the socket file if it was deleted or replaced; answers whether it did. */
    synchronized boolean checkSocket() {
        if (shutDown || socketKey != null && socketKey.equals(fileKey(socket))) {
            return false;
        }
        ServerSocketChannel lost = listener;
        try {
            listen();
            log.println("wdf4j host: the control socket " + socket + " was deleted or replaced; listening on a new one");
        } catch (IOException e) {
            log.println("wdf4j host: the control socket " + socket + " was deleted or replaced, and a new one cannot "
                    + "be made (trying again in " + SOCKET_CHECK_MILLIS + " ms): " + e.getMessage());
            return false;
        }
        try {
            lost.close();
        } catch (IOException e) {
            log.println("wdf4j host: closing the lost socket: " + e);
        }
        return true;
    }

    /** Binds under a temporary name in an 0700 directory, sets 0600, then renames the socket into place. */
    private static ServerSocketChannel bindPrivately(Path socket) throws IOException {
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > 100) {
            throw new IOException("the control socket path " + socket + " is too long for a Unix domain socket "
                    + "(at most about 100 bytes); use a shorter --state-dir");
        }
        Path dir = Files.createTempDirectory(socket.getParent(), ".sock-",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path temp = dir.resolve("s");
        ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            listener.bind(UnixDomainSocketAddress.of(temp));
            Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
            Files.move(temp, socket, StandardCopyOption.ATOMIC_MOVE);
            return listener;
        } catch (IOException | RuntimeException e) {
            listener.close();
            Files.deleteIfExists(temp);
            throw e;
        } finally {
            Files.deleteIfExists(dir);
        }
    }

    public Path socketPath() {
        return socket;
    }

    public DriverHost host() {
        return host;
    }

    /** Waits until the host has shut down. */
    public void awaitShutdown() throws InterruptedException {
        stopped.await();
    }

    /** Waits at most {@code timeout} for the host to shut down; answers whether it has. */
    public boolean awaitShutdown(java.time.Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    public boolean isShutDown() {
        return stopped.getCount() == 0;
    }

    private void acceptLoop(ServerSocketChannel listener) {
        while (true) {
            SocketChannel connection;
            try {
                connection = listener.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!listener.isOpen()) {
                    return;
                }
                log.println("wdf4j host: accept failed: " + e);
                continue;
            }
            Thread.ofVirtual().name("wdf4j-host-request").start(() -> serve(connection));
        }
    }

    private void serve(SocketChannel connection) {
        boolean shutdownRequested = false;
        CountDownLatch traceAnswered = null;
        try (connection;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(connection),
                     StandardCharsets.UTF_8));
             Writer out = Channels.newWriter(connection, StandardCharsets.UTF_8)) {
            String line = readLine(in);
            Output reply = new Output() {
                @Override
                public void out(String text) {
                    send(out, "out " + text);
                }

                @Override
                public void err(String text) {
                    send(out, "err " + text);
                }

                @Override
                public void event(String json) {
                    send(out, "event " + json);
                }
            };
            int exit;
            if (line == null) {
                reply.err("the request is missing or longer than " + Request.MAX_LINE + " characters");
                exit = HostCommands.REFUSED;
            } else {
                Request request = Request.parse(line);
                log.println("wdf4j host: request: " + request.line());
                if (request.verb().equals("shutdown")) {
                    shutdownRequested = true;
                    reply.out("wdf4j host: shutting down");
                    for (String report : stopAll()) {
                        reply.outText(report);
                    }
                    exit = HostCommands.OK;
                } else if (request.verb().equals("trace")) {
                    traceAnswered = new CountDownLatch(1);
                    traces.add(traceAnswered);
                    exit = trace(request, reply, in);
                } else {
                    exit = commands.execute(request, reply);
                }
            }
            send(out, "exit " + exit);
        } catch (IOException | java.io.UncheckedIOException e) {
            log.println("wdf4j host: a request failed: " + e);
        } finally {
            if (traceAnswered != null) {
                traceAnswered.countDown();
                traces.remove(traceAnswered);
            }
            if (shutdownRequested) {
                shutdown(); // after the answer is sent: a CLI host exits once this returns
            }
        }
    }

    /**
     * {@code trace [DRIVER]}: sends the framework's events as they happen until the client closes its end (Ctrl-C) or
     * the host shuts down; the client sends nothing after its request, so its end is the end of {@code in}.
     */
    private int trace(Request request, Output reply, BufferedReader in) {
        String driver = request.argument().isBlank() ? null : request.argument().strip();
        if (driver != null && host.drivers().stream().noneMatch(d -> d.name().equalsIgnoreCase(driver))) {
            reply.err("no driver named " + driver + " runs now; its events appear once it starts "
                    + "(wdf4j list shows the drivers)");
        }
        CountDownLatch done = new CountDownLatch(1);
        try (AutoCloseable watch = host.trace(driver, e -> {
            try {
                reply.event(e.json());
            } catch (java.io.UncheckedIOException gone) {
                done.countDown();
            }
        }, done::countDown)) {
            reply.err("tracing " + (driver == null ? "every driver" : "driver " + driver)
                    + " (Ctrl-C ends it)");
            Thread.ofVirtual().name("wdf4j-host-trace-client").start(() -> {
                try {
                    while (in.read() != -1) {
                        // the client sends nothing more: only its end matters
                    }
                } catch (IOException closed) {
                    // its end
                }
                done.countDown();
            });
            done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            reply.err(String.valueOf(e));
            return HostCommands.REFUSED;
        }
        return HostCommands.OK;
    }

    private static String readLine(BufferedReader in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
            if (line.length() >= Request.MAX_LINE) {
                return null;
            }
            line.append((char) c);
        }
        return c == -1 && line.isEmpty() ? null : line.toString();
    }

    private static void send(Writer out, String line) {
        synchronized (out) { // a trace's events come from several threads
            sendLocked(out, line);
        }
    }

    private static void sendLocked(Writer out, String line) {
        try {
            out.write(line.replace('\n', ' ').replace("\r", "") + "\n");
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Stops the host: no more requests, every driver stopped (newest first) with its report written
     * to the log, the socket removed, the state directory released. Idempotent; answers the reports.
     */
    public List<String> shutdown() {
        List<String> reports = stopAll();
        stopped.countDown();
        return reports;
    }

    /** {@link #shutdown()} but for the signal that it is over. */
    private synchronized List<String> stopAll() {
        List<String> reports = new ArrayList<>();
        if (shutDown) {
            return reports;
        }
        shutDown = true;
        try {
            listener.close();
        } catch (IOException e) {
            log.println("wdf4j host: closing the socket: " + e);
        }
        try {
            if (socketKey != null && socketKey.equals(fileKey(socket))) {
                Files.deleteIfExists(socket); // only the socket this host bound: never another's
            }
        } catch (IOException e) {
            log.println("wdf4j host: removing " + socket + ": " + e);
        }
        for (HostedDriver hosted : host.drivers().reversed()) {
            try {
                UnloadReport report = host.stop(hosted);
                String text = report.render().stripTrailing();
                reports.add(text);
                log.println(text);
            } catch (DriverStopRefusedException e) {
                String text = "driver " + hosted.name() + " left loaded at shutdown: " + e.getMessage();
                reports.add(text);
                log.println(text);
            }
        }
        host.close(); // ends the traces, after the stops' events
        for (CountDownLatch trace : List.copyOf(traces)) {
            try {
                trace.await(5, TimeUnit.SECONDS); // its last events and its exit status reach its client
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        log.println("wdf4j host: stopped");
        return reports;
    }

    @Override
    public void close() {
        shutdown();
    }
}
