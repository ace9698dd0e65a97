package org.wdf4j.host.fuse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.serial.SerialBaudRate;
import org.wdf4j.serial.SerialChars;
import org.wdf4j.serial.SerialHandflow;
import org.wdf4j.serial.SerialIoctl;
import org.wdf4j.serial.SerialLineControl;
import org.wdf4j.serial.SerialPurge;
import org.wdf4j.serial.SerialTimeouts;

/**
 * A serial device as a pseudo-terminal (the host's pty door): the host holds the master side, programs open the slave
 * ({@code /dev/pts/N}, reached by a link in the mount root), and two threads pump between the master and the device
 * through the host's {@link IoClient}, so that it works alike for in-process and isolated drivers:
 * <ul>
 *   <li><b>to the driver</b>: the master is in packet mode ({@code TIOCPKT}); a data packet (the bytes a program
 *       wrote) becomes write requests; a control packet says the program flushed its input ({@code TIOCPKT_FLUSHREAD}:
 *       {@code IOCTL_SERIAL_PURGE} with {@code SERIAL_PURGE_RXCLEAR}) or output ({@code TIOCPKT_FLUSHWRITE}:
 *       {@code SERIAL_PURGE_TXCLEAR}), or changed the terminal's settings ({@code TIOCPKT_IOCTL}, sent because the host
 *       keeps {@code EXTPROC} on): the host reads them from the master and sends what changed as serial control codes
 *       ({@link TermiosSerialMapping});</li>
 *   <li><b>from the driver</b>: one read request at a time, with the timeouts {@link SerialTimeouts#WAIT_FOR_ANY_BYTE}
 *       (a read completes as soon as there is a byte); what it returns is written to the master. A driver that
 *       answers reads at once with nothing is asked again after a pause that doubles from 1 ms to 64 ms.</li>
 * </ul>
 *
 * <p>The host keeps the slave open itself, so that the master never reads as hung up while no program has the port
 * open; one handle on the device serves every program that opens the port (Linux does not tell a master about the
 * slave's opens and closes). At the start the host sends {@code IOCTL_SERIAL_SET_TIMEOUTS}, {@code SET_DTR} and
 * {@code SET_RTS}, asks the driver for its line settings ({@code GET_BAUD_RATE}, {@code GET_LINE_CONTROL},
 * {@code GET_HANDFLOW}, {@code GET_CHARS}; 9600 8N1 without flow control when it does not answer) and shows them in the
 * terminal's settings, raw.
 *
 * <p>{@link #close} (the device's interface disabled, the device removed, the host unmounting) closes the handle and
 * stops the pumps without waiting for them; the last one to end closes the master, which hangs the slave up: a program
 * holding the port reads end of file and gets EIO on writes, and {@code /dev/pts/N} goes. A host that dies closes
 * the master by dying.
 */
public final class PtySerialPort implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PtySerialPort.class);

    static final long TIOCPKT = 0x5420;
    static final int TIOCPKT_DATA = 0;
    static final int TIOCPKT_FLUSHREAD = 0x01;
    static final int TIOCPKT_FLUSHWRITE = 0x02;
    static final int TIOCPKT_IOCTL = 0x40;
    private static final int READ_SIZE = 4096;
    private static final int MAX_IDLE_PAUSE_MILLIS = 64;

    private final String name;
    private final String devicePath;
    private final IoClient client;
    private final String slavePath;
    /** The master, our own slave open, and the eventfd that stops the pumps; closed by the last pump to end. */
    private final int master;
    private final int slave;
    private final StopEvent stop;
    private final AtomicBoolean closing = new AtomicBoolean();
    /** The pumps still running; the one that brings it to 0 closes the fds. */
    private final AtomicInteger pumps = new AtomicInteger(1);
    private final CountDownLatch closed = new CountDownLatch(1);
    /** Told once when the port could not be set up with its driver (the reason). */
    private final Consumer<String> failed;
    /** The handle on the device; set once by the to-driver pump, read by {@link #close}. */
    private volatile DeviceHandle handle;
    /** The settings last seen on the master; confined to the to-driver pump. */
    private Termios applied;
    /** What the driver was last told; confined to the to-driver pump. */
    private SerialLineState state = SerialLineState.DEFAULT;

    private PtySerialPort(String name, String devicePath, IoClient client, String slavePath, int master, int slave,
            StopEvent stop, Consumer<String> failed) {
        this.name = name;
        this.devicePath = devicePath;
        this.client = client;
        this.slavePath = slavePath;
        this.master = master;
        this.slave = slave;
        this.stop = stop;
        this.failed = failed;
    }

    /**
     * Opens a pseudo-terminal for the device at {@code devicePath}, gives its slave the owner and mode of
     * {@code security}, sets it raw, and starts the pumps, which open the device and talk to the driver.
     *
     * @param name the port's name, for threads and logs ({@code ttyWDF0})
     * @param failed told (on a pump thread) when the device cannot be opened; the port is then closed
     * @throws ErrnoException when the pseudo-terminal cannot be made
     */
    public static PtySerialPort open(String name, String devicePath, IoClient client, DeviceFileSecurity security,
            Consumer<String> failed) throws ErrnoException {
        int master = LibC.open("/dev/ptmx", LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_NONBLOCK | LibC.O_CLOEXEC);
        int slave = -1;
        StopEvent stop = null;
        try {
            LibC.grantpt(master);
            LibC.unlockpt(master);
            String slavePath = LibC.ptsname(master);
            slave = LibC.open(slavePath, LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
            LibC.fchown(slave, security.uid(), security.gid());
            LibC.fchmod(slave, security.mode());
            try (Arena arena = Arena.ofConfined()) {
                LibC.ioctl(master, TIOCPKT, arena.allocateFrom(ValueLayout.JAVA_INT, 1));
            }
            Termios raw = TermiosSerialMapping.toTermios(Termios.read(master).raw(), SerialLineState.DEFAULT);
            raw.write(master);
            stop = new StopEvent();
            PtySerialPort port = new PtySerialPort(name, devicePath, client, slavePath, master, slave, stop, failed);
            port.applied = Termios.read(master);
            Thread.ofPlatform().daemon().name("wdf4j-serial " + name + " to driver").start(port::toDriver);
            return port;
        } catch (ErrnoException | RuntimeException e) {
            if (stop != null) {
                stop.close();
            }
            closeQuietly(slave);
            closeQuietly(master);
            throw e;
        }
    }

    /** The slave's path, e.g. {@code /dev/pts/3}: what the port's link points to. */
    public String slavePath() {
        return slavePath;
    }

    /** The device path it opens. */
    public String devicePath() {
        return devicePath;
    }

    /** Stops the pumps and closes the device's handle; the master is closed when the pumps have ended. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        stop.signal(this);
        DeviceHandle h = handle;
        if (h != null) {
            h.close(); // cancels the pending read, so the from-driver pump ends
        }
    }

    /** Waits until the master is closed (the slave hung up and gone), up to {@code timeout}; true if it is. */
    public boolean awaitClosed(Duration timeout) throws InterruptedException {
        return closed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    // ---- to the driver: setup, then packets from the master ----

    private void toDriver() {
        try {
            if (!setUp()) {
                return;
            }
            pumps.incrementAndGet();
            Thread.ofPlatform().daemon().name("wdf4j-serial " + name + " from driver").start(this::fromDriver);
            MemorySegment buffer = Arena.ofAuto().allocate(READ_SIZE + 1);
            while (waitFor(master, LibC.POLL_IN, -1)) {
                int n;
                try {
                    n = LibC.read(master, buffer);
                } catch (ErrnoException e) {
                    if (e.errno() == LibC.EAGAIN || e.errno() == LibC.EINTR) {
                        continue;
                    }
                    throw e;
                }
                if (n > 0 && !packet(buffer, n)) {
                    return;
                }
            }
        } catch (ErrnoException | RuntimeException e) {
            if (!closing.get()) {
                LOG.warn("serial port {} stopped taking input from its program", this, e);
            }
        } finally {
            pumpEnded();
        }
    }

    /** Opens the device and tells the driver how the host reads; false (after telling {@link #failed}) when it cannot. */
    private boolean setUp() throws ErrnoException {
        NtResult<DeviceHandle> opened = client.open(devicePath);
        if (!opened.isSuccess()) {
            String why = "the host could not open " + devicePath + ": " + opened.status();
            if (closing.get() || opened.status() == NtStatus.STATUS_NO_SUCH_DEVICE) {
                // The device went before this thread opened it (removed right after it was added): not a fault.
                LOG.debug("serial port {}: {}", name, why);
            } else {
                LOG.error("serial port {}: {}", name, why);
            }
            closing.set(true);
            failed.accept(why);
            return false;
        }
        handle = opened.value();
        if (closing.get()) { // closed while it opened
            handle.close();
            return false;
        }
        control(SerialIoctl.IOCTL_SERIAL_SET_TIMEOUTS, SerialTimeouts.WAIT_FOR_ANY_BYTE.toBytes(), "read: any byte");
        control(SerialIoctl.IOCTL_SERIAL_SET_DTR, new byte[0], "(port open)");
        control(SerialIoctl.IOCTL_SERIAL_SET_RTS, new byte[0], "(port open)");
        SerialLineState initial = new SerialLineState(
                ask(SerialIoctl.IOCTL_SERIAL_GET_BAUD_RATE, SerialBaudRate.SIZE, SerialBaudRate::fromBytes,
                        SerialLineState.DEFAULT.baudRate()),
                ask(SerialIoctl.IOCTL_SERIAL_GET_LINE_CONTROL, SerialLineControl.SIZE, SerialLineControl::fromBytes,
                        SerialLineState.DEFAULT.lineControl()),
                ask(SerialIoctl.IOCTL_SERIAL_GET_HANDFLOW, SerialHandflow.SIZE, SerialHandflow::fromBytes,
                        SerialLineState.DEFAULT.handflow()),
                ask(SerialIoctl.IOCTL_SERIAL_GET_CHARS, SerialChars.SIZE, SerialChars::fromBytes,
                        SerialLineState.DEFAULT.chars()));
        Termios now = Termios.read(master);
        if (now.equals(applied)) { // no program changed it meanwhile: show the driver's settings
            TermiosSerialMapping.toTermios(now, initial).write(master);
            state = initial;
            applied = Termios.read(master);
        } else { // a program was quicker: its settings win, as if it set them now
            state = initial;
            settingsChanged();
        }
        LOG.info("serial port {} is {} for {}: {} baud {}", name, slavePath, devicePath, state.baudRate().baudRate(),
                state.lineControl());
        return true;
    }

    /** Handles one packet of {@code n} bytes; false when the device no longer takes requests. */
    private boolean packet(MemorySegment buffer, int n) throws ErrnoException {
        int status = buffer.get(ValueLayout.JAVA_BYTE, 0) & 0xFF;
        if (status == TIOCPKT_DATA) {
            if (!applied.has(Termios.EXTPROC)) { // changes are told only while EXTPROC is on: look each time
                settingsChanged();
            }
            return n <= 1 || write(buffer.asSlice(1, n - 1).toArray(ValueLayout.JAVA_BYTE));
        }
        if ((status & TIOCPKT_FLUSHREAD) != 0) {
            control(SerialIoctl.IOCTL_SERIAL_PURGE, new SerialPurge(SerialPurge.SERIAL_PURGE_RXCLEAR).toBytes(),
                    "RXCLEAR (the program flushed its input)");
        }
        if ((status & TIOCPKT_FLUSHWRITE) != 0) {
            control(SerialIoctl.IOCTL_SERIAL_PURGE, new SerialPurge(SerialPurge.SERIAL_PURGE_TXCLEAR).toBytes(),
                    "TXCLEAR (the program flushed its output)");
        }
        if ((status & TIOCPKT_IOCTL) != 0) {
            settingsChanged();
        }
        return true;
    }

    /** Sends what changed in the terminal's settings since {@link #applied}. */
    private void settingsChanged() throws ErrnoException {
        Termios now = Termios.read(master);
        if (now.equals(applied)) {
            return;
        }
        TermiosSerialMapping.Step step = TermiosSerialMapping.changes(applied, now, state);
        for (TermiosSerialMapping.Control c : step.controls()) {
            control(c.ioControlCode(), c.input(), c.detail());
        }
        applied = now;
        state = step.state();
    }

    /** Writes the program's bytes to the device, all of them; false when the device no longer takes requests. */
    private boolean write(byte[] data) {
        int done = 0;
        while (done < data.length) {
            byte[] rest = done == 0 ? data : java.util.Arrays.copyOfRange(data, done, data.length);
            IoResult result = handle.write(rest);
            if (!result.isSuccess() || result.information() <= 0) {
                if (closing.get()) {
                    return false;
                }
                LOG.debug("serial port {}: the driver took {} of {} bytes a program wrote ({}); the rest is dropped",
                        name, result.information(), rest.length, result.status());
                return !result.isDeviceGone();
            }
            done += (int) Math.min(result.information(), rest.length);
        }
        return true;
    }

    /** Sends a control code the driver may refuse (a driver need not implement every one). */
    private void control(int code, byte[] input, String detail) {
        IoResult result = handle.deviceIoControl(code, input, 0);
        if (result.isSuccess()) {
            LOG.debug("serial port {}: {} {}", name, SerialIoctl.name(code), detail);
        } else if (!closing.get()) {
            LOG.info("serial port {}: the driver answered {} {} with {}", name, SerialIoctl.name(code), detail,
                    result.status());
        }
    }

    /** Asks the driver for a setting; {@code otherwise} when it does not answer it. */
    private <T> T ask(int code, int size, java.util.function.Function<byte[], T> decode, T otherwise) {
        IoResult result = handle.deviceIoControl(code, new byte[0], size);
        if (!result.isSuccess() || result.data().length < size) {
            return otherwise;
        }
        try {
            return decode.apply(result.data());
        } catch (IllegalArgumentException e) {
            LOG.info("serial port {}: the driver's answer to {} is not valid ({}); using {}", name,
                    SerialIoctl.name(code), e.getMessage(), otherwise);
            return otherwise;
        }
    }

    // ---- from the driver: reads, written to the master ----

    private void fromDriver() {
        try {
            int pause = 0;
            MemorySegment out = Arena.ofAuto().allocate(READ_SIZE);
            while (!closing.get()) {
                IoResult result = handle.read(READ_SIZE);
                if (!result.isSuccess()) {
                    if (closing.get() || result.isDeviceGone()) {
                        return;
                    }
                    if (!result.status().equals(NtStatus.STATUS_CANCELLED)) { // a purge's RXABORT: read again
                        LOG.warn("serial port {}: the driver failed a read with {}; the port's output stops", name,
                                result.status());
                        return;
                    }
                    continue;
                }
                byte[] data = result.data();
                if (data.length == 0) { // a driver that answers at once with nothing: ask again after a pause
                    pause = Math.min(Math.max(1, pause * 2), MAX_IDLE_PAUSE_MILLIS);
                    if (waitFor(-1, (short) 0, pause)) {
                        return;
                    }
                    continue;
                }
                pause = 0;
                MemorySegment.copy(data, 0, out, ValueLayout.JAVA_BYTE, 0, data.length);
                if (!writeAll(out, data.length)) {
                    return;
                }
            }
        } catch (ErrnoException | RuntimeException e) {
            if (!closing.get()) {
                LOG.warn("serial port {} stopped giving output to its program", this, e);
            }
        } finally {
            pumpEnded();
        }
    }

    /** Writes the driver's bytes to the master, waiting for room; false when the port is stopping. */
    private boolean writeAll(MemorySegment data, int length) throws ErrnoException {
        int done = 0;
        while (done < length) {
            try {
                done += LibC.write(master, data.asSlice(done), length - done);
            } catch (ErrnoException e) {
                if (e.errno() != LibC.EAGAIN && e.errno() != LibC.EINTR) {
                    throw e;
                }
                if (!waitFor(master, LibC.POLL_OUT, -1)) {
                    return false;
                }
            }
        }
        return true;
    }

    /** {@link StopEvent#waitFor}, or false once the port is closing. */
    private boolean waitFor(int fd, short events, int timeoutMillis) throws ErrnoException {
        boolean answer = stop.waitFor(fd, events, timeoutMillis);
        return fd < 0 ? answer || closing.get() : answer && !closing.get();
    }

    /** The last pump to end closes the master (hanging the slave up), our slave and the eventfd. */
    private void pumpEnded() {
        if (pumps.decrementAndGet() != 0) {
            close(); // the other pump goes too (its read is cancelled): a port with one direction dead is no port
            return;
        }
        closing.set(true);
        DeviceHandle h = handle;
        if (h != null) {
            h.close();
        }
        closeQuietly(slave);
        closeQuietly(master);
        stop.close();
        closed.countDown();
        LOG.debug("serial port {} ({}) closed", name, slavePath);
    }

    private static void closeQuietly(int fd) {
        if (fd < 0) {
            return;
        }
        try {
            LibC.close(fd);
        } catch (ErrnoException e) {
            LOG.warn("closing fd {} of a serial port failed", fd, e);
        }
    }

    @Override
    public String toString() {
        return "serial port " + name + " (" + slavePath + ") of " + devicePath;
    }
}
