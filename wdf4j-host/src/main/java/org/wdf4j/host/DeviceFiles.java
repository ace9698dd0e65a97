package org.wdf4j.host;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.wdf4j.framework.FxDeviceEndpoint;
import org.wdf4j.host.client.IoClient;
import org.wdf4j.host.fuse.DeviceFileHandler;
import org.wdf4j.host.fuse.DeviceFileSecurity;
import org.wdf4j.host.fuse.DiskProbe;
import org.wdf4j.host.fuse.FuseSession;
import org.wdf4j.host.fuse.LoopDevice;
import org.wdf4j.host.fuse.PtySerialPort;
import org.wdf4j.disk.Disk;
import org.wdf4j.disk.DiskParameters;
import org.wdf4j.net.NetAdapter;
import org.wdf4j.serial.SerialPort;

/**
 * The FUSE reflector: every enabled device interface and every ready control device of the host is a file in one
 * directory (the mount root), which real programs open, read, write, ioctl, poll and close; each call is a request on
 * the device through the host's {@link IoClient} ({@link DeviceFileHandler}).
 *
 * <p>Names are stable, so scripts can rely on them: an interface of the device {@code ROOT\ECHO\0000} is
 * {@code echo0} (the device's name part in lower case, then its instance number); an interface with a reference
 * string adds it ({@code echo0-ref}); a further interface of the same device without one adds the first eight hex
 * digits of its class GUID;
 * a control device is its assigned name in lower case ({@code NONPNP} is {@code nonpnp}). A name already taken by
 * another file gets {@code ~2}, {@code ~3}, ... Characters other than letters, digits, {@code . _ -} become {@code _}.
 *
 * <p>Owner, group and mode come from the device's security descriptor ({@link DeviceFileSecurity}); a device without
 * one is open to the host's user only (0600). A descriptor that cannot be expressed as a file mode keeps the device
 * out of the directory; {@link #problems()} says why (and the host logs it).
 *
 * <p>A file appears when its interface is enabled (or the control device finishes initializing) and goes when the
 * interface is disabled or the device is deleted; programs that still have it open then get ENODEV. Mounting first
 * removes mounts a dead host left under the root ({@link #cleanStaleMounts}); a root a live host still serves is
 * refused.
 */
public final class DeviceFiles implements AutoCloseable, DeviceNamespace.Watcher {

    private static final Logger LOG = LoggerFactory.getLogger(DeviceFiles.class);

    /**
     * A device's file.
     *
     * @param name the file's name in the mount root
     * @param file its full path
     * @param devicePath the device path it opens ({@code \\?\ROOT#ECHO#0000#{guid}} or a control device's name)
     * @param instanceId the device's instance ID, or null for a control device
     * @param driver the driver that owns the device
     * @param security owner, group and mode
     * @param terminal for a serial device, the pseudo-terminal {@code file} links to ({@code /dev/pts/N}); else null
     * @param disk for a disk, its link and loop device ({@code file} is then the disk's seekable file); else null
     */
    public record DeviceFile(String name, Path file, String devicePath, String instanceId, String driver,
                             DeviceFileSecurity security, Path terminal, DiskFile disk) {
    }

    /**
     * What a disk has besides its seekable file.
     *
     * @param link the link in the mount root ({@code diskWDF0})
     * @param blockDevice the loop device the link points to ({@code /dev/loop3}); null while it is being attached or
     *     when none could be ({@link #problems()} then says why)
     * @param parameters the disk as its driver describes it
     */
    public record DiskFile(Path link, Path blockDevice, DiskParameters parameters) {
    }

    /** The prefix of a disk's link: {@code diskWDF0}, {@code diskWDF1}, ... (the lowest number free). */
    public static final String DISK_PREFIX = "diskWDF";

    /** The prefix of a serial port's link: {@code ttyWDF0}, {@code ttyWDF1}, ... (the lowest number free). */
    public static final String SERIAL_PREFIX = "ttyWDF";

    private final DeviceNamespace namespace;
    private final IoClient client;
    private final FuseSession session;
    private final int hostUid;
    private final int hostGid;
    private final Object lock = new Object();
    /** By device path. */
    private final Map<String, DeviceFile> files = new LinkedHashMap<>();
    /** Device paths without a file, and why. */
    private final Map<String, String> problems = new LinkedHashMap<>();
    /** The pseudo-terminals of serial devices, by device path; guarded by {@link #lock}. */
    private final Map<String, PtySerialPort> ports = new LinkedHashMap<>();
    /** The loop devices of disks, by device path; guarded by {@link #lock}. */
    private final Map<String, LoopDevice> loops = new LinkedHashMap<>();
    /** Disks whose set-up thread runs (asking the driver, attaching); guarded by {@link #lock}. */
    private final Set<String> disksSettingUp = new HashSet<>();
    /** Threads detaching loop devices, which {@link #close} waits for; guarded by {@link #lock}. */
    private final List<Thread> detaching = new ArrayList<>();

    private DeviceFiles(DeviceNamespace namespace, IoClient client, FuseSession session) {
        this.namespace = namespace;
        this.client = client;
        this.session = session;
        this.hostUid = FuseSession.effectiveUid();
        this.hostGid = FuseSession.effectiveGid();
    }

    /** Mounts the root and adds a file for every device reachable now; later ones follow as they come. */
    static DeviceFiles mount(DeviceNamespace namespace, IoClient client, Path root, FuseSession.Options options)
            throws IOException {
        Path target = root.toAbsolutePath().normalize();
        for (Path stale : cleanStaleMounts(target)) {
            LOG.info("removed the stale wdf4j mount {} (its host died)", stale);
        }
        for (Path loop : LoopDevice.attachedUnder(target)) {
            try {
                LoopDevice.detach(loop);
                LOG.info("detached {}, which a host that died left attached to a disk under {}", loop, target);
            } catch (IOException e) {
                LOG.warn("cannot detach {}, left attached under {} by a host that died: {}", loop, target,
                        e.getMessage());
            }
        }
        FuseSession session = FuseSession.mount(target, options);
        DeviceFiles files = new DeviceFiles(namespace, client, session);
        namespace.addWatcher(files);
        return files;
    }

    /** The mount root. */
    public Path root() {
        return session.path();
    }

    /** The files now, in the order they appeared. */
    public List<DeviceFile> files() {
        synchronized (lock) {
            return List.copyOf(files.values());
        }
    }

    /** The file of a device path, if it has one. */
    public DeviceFile fileOf(String devicePath) {
        synchronized (lock) {
            return files.get(devicePath);
        }
    }

    /** Device paths that have no file, with the reason (a security descriptor that is not a file mode). */
    public Map<String, String> problems() {
        synchronized (lock) {
            return Map.copyOf(problems);
        }
    }

    /** Device path to file path, for {@code wdf4j devices}. */
    public Map<String, String> pathsToFiles() {
        Map<String, String> map = new LinkedHashMap<>();
        for (DeviceFile f : files()) {
            map.put(f.devicePath(), f.file().toString());
        }
        return map;
    }

    @Override
    public void appeared(FxDeviceEndpoint device, String path, UUID guid, String referenceString) {
        if (NetAdapter.isNetInterface(guid)) {
            return; // a network adapter is a TUN/TAP interface (NetAdapters), not a file
        }
        DeviceFileSecurity security;
        try {
            security = DeviceFileSecurity.fromSddl(device.sddl(), hostUid, hostGid);
        } catch (IllegalArgumentException e) {
            String why = "its security descriptor cannot be a file's owner and mode: " + e.getMessage();
            LOG.error("no device file for {}: {}", path, why);
            synchronized (lock) {
                problems.put(path, why);
            }
            return;
        }
        if (SerialPort.isSerialInterface(guid)) {
            appearedSerial(device, path, security);
            return;
        }
        if (Disk.isDiskInterface(guid)) {
            synchronized (lock) {
                if (files.containsKey(path) || !disksSettingUp.add(path)) {
                    return;
                }
            }
            Thread.ofPlatform().daemon().name("wdf4j-disk " + path)
                    .start(() -> setUpDisk(device, path, guid, security));
            return;
        }
        synchronized (lock) {
            if (files.containsKey(path)) {
                return;
            }
            String name = uniqueName(baseName(device, guid, referenceString));
            try {
                session.addFile(name, new DeviceFileHandler(client, path), security.uid(), security.gid(),
                        security.mode());
            } catch (IllegalStateException closed) {
                return;
            }
            files.put(path, new DeviceFile(name, session.path().resolve(name), path,
                    device.isControl() ? null : device.instanceId(), device.driverName(), security, null, null));
            LOG.debug("device file {} for {} ({})", name, path, security.describe());
        }
    }

    /**
     * A serial port: a pseudo-terminal the host holds ({@link PtySerialPort}) and a link to its slave in the mount
     * root, named {@code ttyWDF} and the lowest number free.
     */
    private void appearedSerial(FxDeviceEndpoint device, String path, DeviceFileSecurity security) {
        synchronized (lock) {
            if (files.containsKey(path)) {
                return;
            }
            String name = SERIAL_PREFIX + 0;
            for (int n = 1; taken(name); n++) {
                name = SERIAL_PREFIX + n;
            }
            PtySerialPort port;
            try {
                port = PtySerialPort.open(name, path, client, security, why -> serialFailed(path, why));
            } catch (IOException e) {
                String why = "no pseudo-terminal could be made for it: " + e.getMessage();
                LOG.error("no serial port for {}: {}", path, why);
                problems.put(path, why);
                return;
            }
            try {
                session.addLink(name, port.slavePath(), security.uid(), security.gid());
            } catch (IllegalStateException closed) {
                port.close();
                return;
            }
            ports.put(path, port);
            files.put(path, new DeviceFile(name, session.path().resolve(name), path, device.instanceId(),
                    device.driverName(), security, Path.of(port.slavePath()), null));
            LOG.debug("serial port {} -> {} for {} ({})", name, port.slavePath(), path, security.describe());
        }
    }

    /**
     * A disk, on its own thread (it waits for the driver and for the kernel, which reads the disk's file through this
     * host's FUSE session): asks the driver what the disk is ({@link DiskProbe}), adds its seekable file, attaches a
     * loop device to that file ({@link LoopDevice}) and links {@code diskWDF}N to it. A disk removed meanwhile is
     * undone; a driver that describes an impossible disk gets no file, and {@link #problems} says why.
     */
    private void setUpDisk(FxDeviceEndpoint device, String path, UUID guid, DeviceFileSecurity security) {
        DiskParameters disk;
        try {
            disk = DiskProbe.query(client, path);
        } catch (IOException e) {
            String why = "it is not a usable disk: " + e.getMessage();
            LOG.error("no disk for {}: {}", path, why);
            synchronized (lock) {
                if (disksSettingUp.remove(path)) {
                    problems.put(path, why);
                }
            }
            return;
        }
        DeviceFile file;
        synchronized (lock) {
            if (!disksSettingUp.remove(path)) {
                return; // removed while the driver was asked
            }
            String name = uniqueName(baseName(device, guid, null));
            String link = DISK_PREFIX + 0;
            for (int n = 1; taken(link); n++) {
                link = DISK_PREFIX + n;
            }
            int mode = disk.readOnly() ? security.mode() & ~0222 : security.mode();
            try {
                session.addFile(name, DeviceFileHandler.forDisk(client, path, disk), security.uid(), security.gid(),
                        mode);
            } catch (IllegalStateException closed) {
                return;
            }
            file = new DeviceFile(name, session.path().resolve(name), path, device.instanceId(), device.driverName(),
                    security, null, new DiskFile(session.path().resolve(link), null, disk));
            files.put(path, file);
        }
        LoopDevice loop;
        try {
            loop = LoopDevice.attach(file.file(), disk.sectorSize(), disk.readOnly());
        } catch (IOException e) {
            String why = "no loop device could be attached to its file " + file.file() + ": " + e.getMessage();
            LOG.error("disk {} has no block device: {}", path, why);
            synchronized (lock) {
                problems.put(path, why);
            }
            return;
        }
        synchronized (lock) {
            if (files.get(path) != file) {
                detachLocked(loop); // removed while attaching
                return;
            }
            String link = file.disk().link().getFileName().toString();
            try {
                session.addLink(link, loop.path().toString(), security.uid(), security.gid());
            } catch (IllegalStateException closed) {
                detachLocked(loop);
                return;
            }
            loops.put(path, loop);
            files.put(path, new DeviceFile(file.name(), file.file(), path, file.instanceId(), file.driver(), security,
                    null, new DiskFile(file.disk().link(), loop.path(), disk)));
        }
        LOG.debug("disk {} ({}) -> {} for {}", file.name(), disk, loop.path(), path);
    }

    /**
     * Detaches a loop device on a thread of its own: the detach may write back the block device's cached pages, which
     * come back to this host's FUSE session, so it must not run on a reader or a driver's thread. {@link #close}
     * waits for these threads. The thread's context class loader is the host's, not the one it would inherit from
     * the removing thread (a driver's, in-process): the last finished thread stays in {@link #detaching} until the
     * next detach, and must not keep an unloaded driver's class loader reachable.
     */
    private void detachLocked(LoopDevice loop) {
        assert Thread.holdsLock(lock);
        Thread thread = Thread.ofPlatform().daemon().name("wdf4j-loop-detach " + loop.path()).unstarted(loop::close);
        thread.setContextClassLoader(DeviceFiles.class.getClassLoader());
        detaching.removeIf(t -> !t.isAlive());
        detaching.add(thread);
        thread.start();
    }

    /** A serial port whose device the host could not open: its link goes, and {@link #problems} says why. */
    private void serialFailed(String path, String why) {
        DeviceFile file;
        synchronized (lock) {
            ports.remove(path);
            file = files.remove(path);
            problems.put(path, "its serial port could not be opened: " + why);
        }
        if (file != null) {
            session.removeFile(file.name());
        }
    }

    @Override
    public void disappeared(FxDeviceEndpoint device, String path) {
        DeviceFile file;
        synchronized (lock) {
            problems.remove(path);
            disksSettingUp.remove(path);
            file = files.remove(path);
        }
        if (file != null && file.disk() != null) {
            session.removeFile(file.disk().link().getFileName().toString());
        }
        if (file != null) {
            session.removeFile(file.name());
        }
        synchronized (lock) {
            LoopDevice loop = loops.remove(path);
            if (loop != null) {
                detachLocked(loop); // after the file's handler is detached: what the loop still sends fails at once
            }
        }
        PtySerialPort port;
        synchronized (lock) {
            port = ports.remove(path);
        }
        if (port != null) {
            port.close(); // the master closes when its pumps end: a program holding the port is hung up
        }
    }

    /** The name before collisions: {@code echo0}, {@code echo0-ref}, {@code echo0-cdc35b6e}, {@code nonpnp}. */
    private String baseName(FxDeviceEndpoint device, UUID guid, String referenceString) {
        if (guid == null) {
            return sanitize(device.assignedName());
        }
        String[] parts = device.instanceId().split("\\\\");
        String kind = parts.length >= 2 ? parts[parts.length - 2] : parts[0];
        String number = parts.length >= 2 ? parts[parts.length - 1] : "";
        String instance;
        try {
            instance = Integer.toString(Integer.parseInt(number, 16));
        } catch (NumberFormatException e) {
            instance = number;
        }
        String base = sanitize(kind) + instance;
        boolean first = files.values().stream().noneMatch(f -> device.instanceId().equals(f.instanceId()));
        if (referenceString != null && !referenceString.isEmpty()) {
            return base + "-" + sanitize(referenceString);
        }
        return first ? base : base + "-" + guid.toString().substring(0, 8);
    }

    private String uniqueName(String base) {
        String name = base;
        for (int n = 2; taken(name); n++) {
            name = base + "~" + n;
        }
        return name;
    }

    private boolean taken(String name) {
        return files.values().stream().anyMatch(f -> f.name().equals(name)
                || (f.disk() != null && f.disk().link().getFileName().toString().equals(name)));
    }

    private static String sanitize(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toLowerCase(Locale.ROOT).toCharArray()) {
            b.append((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-' ? c : '_');
        }
        String name = b.toString();
        return name.isEmpty() || name.equals(".") || name.equals("..") ? "_" + name : name;
    }

    /**
     * Unmounts (removes the devices' files and waits briefly for the reader threads). Programs that still hold a file
     * open get ENODEV from then on.
     */
    @Override
    public void close() {
        namespace.removeWatcher(this);
        List<LoopDevice> attached;
        synchronized (lock) {
            disksSettingUp.clear();
            attached = List.copyOf(loops.values());
            loops.clear();
        }
        // Before the unmount: the loop devices hold the disks' files open, which keeps the session's readers (and
        // the unmount's wait) busy; detaching first also writes back what the block devices cached, to the drivers.
        attached.forEach(LoopDevice::close);
        List<Thread> detachers;
        synchronized (lock) {
            detachers = List.copyOf(detaching);
            detaching.clear();
        }
        for (Thread t : detachers) {
            try {
                if (!t.join(PORT_CLOSE_WAIT)) {
                    LOG.warn("{} still detaching {} after the unmount began", t.getName(), PORT_CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        session.close();
        List<PtySerialPort> open;
        synchronized (lock) {
            files.clear();
            open = List.copyOf(ports.values());
            ports.clear();
        }
        open.forEach(PtySerialPort::close);
        long deadline = System.nanoTime() + PORT_CLOSE_WAIT.toNanos();
        for (PtySerialPort port : open) {
            try {
                if (!port.awaitClosed(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())))) {
                    LOG.warn("{} still open {} after the unmount; its driver keeps a request", port, PORT_CLOSE_WAIT);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** How long {@link #close} waits for the serial ports' pseudo-terminals to close. */
    private static final Duration PORT_CLOSE_WAIT = Duration.ofSeconds(5);

    /**
     * Removes the wdf4j mounts that a host which died left at or under {@code root}: FUSE mounts of type
     * {@value FuseSession#FS_TYPE} whose server is gone (every access fails with ENOTCONN).
     *
     * @return the mount points removed, deepest first
     * @throws IOException when a live wdf4j host still serves a mount there (two hosts cannot share a mount root), or
     *     a stale mount cannot be removed
     */
    public static List<Path> cleanStaleMounts(Path root) throws IOException {
        Path target = root.toAbsolutePath().normalize();
        List<Path> found = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            // id parent major:minor root mount-point options [optional...] - fstype source super-options
            String[] fields = line.split(" ");
            int dash = List.of(fields).indexOf("-");
            if (fields.length < 5 || dash < 0 || dash + 1 >= fields.length
                    || !FuseSession.FS_TYPE.equals(fields[dash + 1])) {
                continue;
            }
            Path mountPoint = Path.of(unescape(fields[4]));
            if (mountPoint.startsWith(target)) {
                found.add(mountPoint);
            }
        }
        found.sort(Comparator.comparingInt(Path::getNameCount).reversed());
        List<Path> removed = new ArrayList<>();
        for (Path mountPoint : found) {
            if (isLive(mountPoint)) {
                throw new IOException("the mount root " + mountPoint + " is served by a running wdf4j host; stop it"
                        + " or choose another mount root (--mount-root)");
            }
            FuseSession.unmount(mountPoint);
            removed.add(mountPoint);
        }
        return removed;
    }

    /** A mount whose server is gone fails every access with ENOTCONN ("Transport endpoint is not connected"). */
    private static boolean isLive(Path mountPoint) {
        try {
            Files.readAttributes(mountPoint, "unix:ino");
            return true;
        } catch (FileSystemException e) {
            return e.getReason() == null || !e.getReason().contains("not connected");
        } catch (IOException | UnsupportedOperationException e) {
            return true;
        }
    }

    /** mountinfo escapes space, tab, newline and backslash as octal ({@code \040}). */
    private static String unescape(String field) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()) {
                try {
                    b.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                    i += 3;
                    continue;
                } catch (NumberFormatException | IndexOutOfBoundsException e) {
                    // not an escape
                }
            }
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "device files at " + root();
    }
}
