package org.wdf4j.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.wdf4j.framework.FxParameters;

/**
 * The host's state directory and the driver store in it.
 *
 * <pre>
 * STATE/                         (0700)
 *   host.lock                    held (an OS file lock) by the one process that uses the store; holds its pid
 *   host.sock                    the control socket of a running {@code wdf4j host} (0600)
 *   drivers/NAME/driver.properties      the installed driver's record ({@link DriverRecord}): entry class, version,
 *                                       package file, its SHA-256, source, time
 *   drivers/NAME/package-SHA16.jar      the store's copy of the driver package
 *   drivers/NAME/parameters.properties  the driver's Parameters values ({@link StoreParameters})
 *   reports/NAME/SEQUENCE.json          the driver's last unload reports ({@link ReportHistory})
 *   drivers/.tmp-*, reports/.tmp-*, .tmp-* in their directories: a change under way
 * </pre>
 *
 * <p>Every change is atomic ({@link AtomicFiles}): after a crash at any point (kill -9, power loss) a driver is
 * installed whole or not at all, and each file holds its old or its new content. A first install builds the driver's
 * directory under a temporary name and renames it into place; a replace writes the new package, then the record;
 * uninstall renames the directory out of the store, then deletes it. Opening the store removes what a crash left of
 * a change under way, and nothing else.
 *
 * <p>Records are checked when read. A driver whose record, package or parameters cannot be used is <em>damaged</em>:
 * {@link #get} refuses it with what is wrong and how to fix it ({@code wdf4j install --replace},
 * {@code wdf4j uninstall --force}), {@link #list} leaves it out and {@link #damaged} lists it; the other drivers work
 * as before. Nothing is ever deleted to repair the store: only uninstall removes a driver.
 *
 * <p>Opening the store takes the state directory's lock, held until {@link #close()}: one process
 * uses a state directory at a time.
 */
public final class DriverStore implements AutoCloseable {

    static final String LOCK_FILE = "host.lock";
    static final String SOCKET_FILE = "host.sock";
    static final String DRIVERS = "drivers";
    static final String RECORD = "driver.properties";
    static final String PARAMETERS = "parameters.properties";
    /** The temporary name of a driver's directory while it is installed for the first time. */
    private static final String INSTALLING = AtomicFiles.TEMP_PREFIX + "install-";
    /** The temporary name of a driver's directory once uninstalled, while it is deleted. */
    private static final String UNINSTALLING = AtomicFiles.TEMP_PREFIX + "uninstall-";
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

    /**
     * An installed driver.
     *
     * @param name the driver's name
     * @param entryClass the class implementing DriverEntry
     * @param frameworkVersion the framework version it was built for
     * @param jar the store's copy of the package
     * @param source where it was installed from
     * @param sha256 the package's SHA-256
     * @param installedAt when it was installed
     * @param hardwareIds the hardware IDs it binds to (empty for a non-PnP driver)
     * @param hosting where it runs, chosen at install; null when not chosen
     * @param setup what its package, or its install, says about device stacks
     */
    public record InstalledDriver(String name, String entryClass, String frameworkVersion, Path jar, String source,
                                  String sha256, Instant installedAt, List<String> hardwareIds, HostingModel hosting,
                                  DeviceSetup setup) {

        /**
         * The package to start, with the hosting model chosen at install (or the package's own, or none), once its
         * copy in the store is {@link #checkIntegrity() found intact}.
         */
        public DriverPackage toPackage() throws DriverPackageException {
            checkIntegrity();
            return DriverPackage.of(jar, entryClass, name, frameworkVersion, hardwareIds).withHosting(hosting)
                    .withSetup(setup);
        }

        /**
         * Checks that the store's copy of the package is the one installed: its SHA-256 is the one recorded.
         *
         * @throws DriverPackageException naming the file and how to repair it when it is not (or cannot be read)
         */
        public void checkIntegrity() throws DriverPackageException {
            String actual;
            try (InputStream in = Files.newInputStream(jar)) {
                MessageDigest digest = newSha256();
                in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), digest));
                actual = HexFormat.of().formatHex(digest.digest());
            } catch (IOException e) {
                throw new DriverPackageException("cannot read " + jar + ", the store's copy of driver " + name + " ("
                        + e + "); reinstall it with wdf4j install --replace " + source, e);
            }
            if (!actual.equals(sha256)) {
                throw new DriverPackageException(jar + ", the store's copy of driver " + name + ", was changed or "
                        + "damaged since it was installed: its SHA-256 is " + actual + ", not " + sha256
                        + " as recorded. The driver is not started. Reinstall it with wdf4j install --replace " + source
                        + " (its parameters are kept)");
            }
        }
    }

    /**
     * A driver whose directory is in the store but cannot be used.
     *
     * @param name its name (its directory's)
     * @param problem what is wrong, naming the file
     * @param fix how to repair or remove it
     */
    public record DamagedDriver(String name, String problem, String fix) {
    }

    private final Path stateDir;
    private final Path drivers;
    private final ReportHistory reports;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DriverStore(Path stateDir, FileChannel lockChannel, FileLock lock) {
        this.stateDir = stateDir;
        this.drivers = stateDir.resolve(DRIVERS);
        this.reports = new ReportHistory(stateDir.resolve(ReportHistory.DIRECTORY));
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    /**
     * Opens the store in {@code stateDir}, creating the directory (owner-only) when it does not
     * exist, and takes its lock.
     *
     * @throws StateDirLockedException when another process (or another store in this process) holds it
     */
    public static DriverStore open(Path stateDir) throws IOException {
        Path dir = stateDir.toAbsolutePath().normalize();
        createPrivateDirectory(dir);
        Path lockFile = dir.resolve(LOCK_FILE);
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            String holder = lockHolder(lockFile);
            throw new StateDirLockedException(dir, "the state directory " + dir + " is in use by another wdf4j host"
                    + (holder.isEmpty() ? "" : " (pid " + holder + ")")
                    + ": one host per state directory. Talk to that host, stop it (wdf4j host shutdown), or use another "
                    + "--state-dir");
        }
        try {
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
            channel.force(true);
            DriverStore store = new DriverStore(dir, channel, lock);
            Files.createDirectories(store.drivers);
            Files.createDirectories(store.reports.directory());
            store.sweep();
            return store;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The pid written in the lock file by its holder, or an empty string. */
    static String lockHolder(Path lockFile) {
        try {
            return Files.readString(lockFile, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            return "";
        }
    }

    static void createPrivateDirectory(Path dir) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        if (dir.getParent() != null) {
            Files.createDirectories(dir.getParent());
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (UnsupportedOperationException e) {
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            // made meanwhile
        }
    }

    public Path stateDir() {
        return stateDir;
    }

    /** Where a running host's control socket is. */
    public Path socketPath() {
        return stateDir.resolve(SOCKET_FILE);
    }

    /**
     * Installs a driver package: copies it into the store and records it, in one atomic change. The package was
     * validated by {@link DriverPackage#open} or {@link DriverPackage#of}; install also checks its JAR
     * ({@link DriverPackageCheck}: every entry's CRC, and an entry class that can start). A refused or failed install
     * changes nothing.
     *
     * <p>A first install builds the driver's directory under a temporary name and renames it into place (the commit
     * point). A replace writes the new package beside the old one, then the record (the commit point), then removes
     * the old package; the parameters are kept. A damaged driver is repaired by a replace.
     *
     * @param replace replace an installed driver of the same name, whole or damaged (its parameters are kept)
     * @throws DriverPackageException when the package is not a valid driver package
     * @throws DriverStoreException when a driver of that name is installed and {@code replace} is false
     */
    public synchronized InstalledDriver install(DriverPackage pkg, boolean replace)
            throws DriverPackageException, DriverStoreException, IOException {
        String name = checkName(pkg.name());
        DriverPackageCheck.check(pkg);
        Path dir = drivers.resolve(name);
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            if (!replace) {
                String installed;
                try {
                    installed = get(name).map(d -> " (from " + d.source() + ")").orElse("");
                } catch (DamagedDriverException e) {
                    installed = ", damaged (" + e.damaged().problem() + ")";
                }
                throw new DriverStoreException("a driver named " + name + " is already installed" + installed
                        + "; uninstall it first or install with --replace");
            }
            return replace(pkg, dir);
        }
        Path staging = Files.createTempDirectory(drivers, INSTALLING + name + "-");
        try {
            InstalledDriver installed = copyAndRecord(pkg, staging, dir);
            AtomicFiles.rename(staging, dir); // the commit point
            return installed;
        } finally {
            AtomicFiles.deleteTree(staging);
        }
    }

    private InstalledDriver replace(DriverPackage pkg, Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(dir + " is not a directory; remove it with wdf4j uninstall --force " + pkg.name());
        }
        InstalledDriver installed = copyAndRecord(pkg, dir, dir); // the record's rename is the commit point
        removeUnreferencedPackages(dir, installed.jar());
        return installed;
    }

    /**
     * Copies the package into {@code into} and writes the record there, naming {@code dir} (where {@code into} is, or
     * will be renamed to). The record is written last: it is the commit point of a replace.
     */
    private InstalledDriver copyAndRecord(DriverPackage pkg, Path into, Path dir) throws IOException {
        MessageDigest digest = newSha256();
        Path temp;
        try (InputStream in = new DigestInputStream(Files.newInputStream(pkg.jar()), digest)) {
            temp = AtomicFiles.copyToTemporary(in, into, "package");
        }
        String sha = HexFormat.of().formatHex(digest.digest());
        String packageFile = DriverRecord.packageFileName(sha);
        try {
            AtomicFiles.rename(temp, into.resolve(packageFile));
        } finally {
            Files.deleteIfExists(temp);
        }
        InstalledDriver installed = new InstalledDriver(pkg.name(), pkg.entryClass(), pkg.frameworkVersion(),
                dir.resolve(packageFile), pkg.jar().toAbsolutePath().normalize().toString(), sha, Instant.now(),
                pkg.hardwareIds(), pkg.hosting(), pkg.setup());
        AtomicFiles.write(into.resolve(RECORD), DriverRecord.bytes(installed));
        return installed;
    }

    /** Uninstalls a whole driver; see {@link #uninstall(String, boolean)}. */
    public void uninstall(String name) throws DriverStoreException, IOException {
        uninstall(name, false);
    }

    /**
     * Uninstalls a driver: removes its package and its parameters, in one atomic change (its directory is renamed out
     * of the store, the commit point, then deleted). The caller makes sure it does not run.
     *
     * @param force also remove a damaged driver (whose record, package or parameters cannot be read)
     * @throws DriverStoreException when no driver of that name is installed, or it is damaged and {@code force} is
     *     false
     */
    public synchronized void uninstall(String name, boolean force) throws DriverStoreException, IOException {
        checkName(name);
        Path dir = drivers.resolve(name);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new DriverStoreException("no driver named " + name + " is installed (see wdf4j list)");
        }
        if (!force) {
            try {
                get(name);
            } catch (DamagedDriverException e) {
                throw new DriverStoreException("driver " + name + " is damaged (" + e.damaged().problem() + "); to "
                        + "remove it with whatever its directory holds, parameters included: wdf4j uninstall --force "
                        + name + "; to repair it instead: wdf4j install --replace JAR");
            }
        }
        Path trash = drivers.resolve(UNINSTALLING + name + "-" + Long.toHexString(System.nanoTime()));
        AtomicFiles.rename(dir, trash); // the commit point
        AtomicFiles.deleteTree(trash);
    }

    /**
     * The installed driver of that name; empty when none is installed.
     *
     * @throws DamagedDriverException when its directory is in the store but its record, package or parameters
     *     cannot be used
     */
    public synchronized Optional<InstalledDriver> get(String name) throws IOException {
        if (!isDriverName(name)) {
            return Optional.empty();
        }
        Path dir = drivers.resolve(name);
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(read(name, dir));
    }

    /** Whether a driver of that name is in the store, whole or damaged. */
    public synchronized boolean contains(String name) {
        return isDriverName(name) && Files.exists(drivers.resolve(name), LinkOption.NOFOLLOW_LINKS);
    }

    /** Every whole installed driver, by name; the damaged ones are left out ({@link #damaged()} lists them). */
    public synchronized List<InstalledDriver> list() throws IOException {
        List<InstalledDriver> all = new ArrayList<>();
        for (Path dir : driverDirectories()) {
            try {
                all.add(read(dir.getFileName().toString(), dir));
            } catch (DamagedDriverException e) {
                // listed by damaged()
            }
        }
        return all;
    }

    /** Every damaged driver in the store, by name, with what is wrong and how to fix it. */
    public synchronized List<DamagedDriver> damaged() throws IOException {
        List<DamagedDriver> all = new ArrayList<>();
        for (Path dir : driverDirectories()) {
            try {
                read(dir.getFileName().toString(), dir);
            } catch (DamagedDriverException e) {
                all.add(e.damaged());
            }
        }
        return all;
    }

    /** The backend of the installed driver's Parameters key. */
    public FxParameters parameters(String name) {
        return new StoreParameters(drivers.resolve(checkNameUnchecked(name)).resolve(PARAMETERS));
    }

    /** The unload reports kept for each driver. */
    public ReportHistory reports() {
        return reports;
    }

    /** Releases the state directory's lock. */
    @Override
    public synchronized void close() throws IOException {
        try {
            if (lock.isValid()) {
                lock.release();
            }
        } finally {
            lockChannel.close();
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** The entries of {@code drivers/} that are drivers (whole or damaged): all but the temporary ones. */
    private List<Path> driverDirectories() throws IOException {
        try (Stream<Path> entries = Files.list(drivers)) {
            return entries.filter(p -> !p.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)).sorted().toList();
        }
    }

    /** Reads and checks a driver's directory: its record, that its package is there, and its parameters. */
    private static InstalledDriver read(String name, Path dir) throws IOException {
        String reinstall = "Repair it with wdf4j install --replace JAR (its parameters are kept), or remove it with "
                + "wdf4j uninstall --force " + name;
        if (!isDriverName(name)) {
            throw new DamagedDriverException(new DamagedDriver(name, dir + " is not named as a driver is",
                    "Move it out of " + dir.getParent()));
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new DamagedDriverException(new DamagedDriver(name, dir + " is not a directory", reinstall));
        }
        InstalledDriver installed;
        try {
            installed = DriverRecord.read(dir.resolve(RECORD), name);
        } catch (NoSuchFileException e) {
            throw new DamagedDriverException(new DamagedDriver(name, dir.resolve(RECORD) + " is missing", reinstall));
        } catch (DriverRecord.Damaged e) {
            throw new DamagedDriverException(new DamagedDriver(name, e.getMessage(), reinstall));
        }
        if (!Files.isRegularFile(installed.jar(), LinkOption.NOFOLLOW_LINKS)) {
            throw new DamagedDriverException(new DamagedDriver(name, "its package " + installed.jar() + " is missing",
                    "Reinstall it with wdf4j install --replace " + installed.source() + " (its parameters are kept), "
                            + "or remove it with wdf4j uninstall --force " + name));
        }
        Path parameters = dir.resolve(PARAMETERS);
        try {
            StoreParameters.read(parameters);
        } catch (IOException e) {
            throw new DamagedDriverException(new DamagedDriver(name, e.getMessage(), "Correct " + parameters
                    + " (UTF-8 lines NAME=sz:TEXT or NAME=dword:DECIMAL) or move it away to start with no parameters; "
                    + "or remove the driver with wdf4j uninstall --force " + name));
        }
        return installed;
    }

    /**
     * Removes what a crash may have left, and only that: temporary files and directories (an install that did not
     * commit, the rest of an uninstall that did), and in a whole driver's directory a package its record does not
     * name (the old package of a replace). A damaged driver is left as it is, for the user to see and repair.
     */
    private void sweep() throws IOException {
        for (Path root : List.of(drivers, reports.directory())) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
                for (Path entry : entries) {
                    if (entry.getFileName().toString().startsWith(AtomicFiles.TEMP_PREFIX)) {
                        AtomicFiles.deleteTree(entry);
                    } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                        removeTemporaryFiles(entry);
                    }
                }
            }
        }
        for (InstalledDriver installed : list()) {
            removeUnreferencedPackages(installed.jar().getParent(), installed.jar());
        }
    }

    private static void removeTemporaryFiles(Path dir) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, AtomicFiles.TEMP_PREFIX + "*")) {
            for (Path f : files) {
                AtomicFiles.deleteTree(f);
            }
        }
    }

    private static void removeUnreferencedPackages(Path dir, Path keep) throws IOException {
        boolean removed = false;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "package-*.jar")) {
            for (Path f : files) {
                if (!f.equals(keep)) {
                    removed |= Files.deleteIfExists(f);
                }
            }
        }
        if (removed) {
            AtomicFiles.syncDirectory(dir);
        }
    }

    /** Whether {@code name} is one the store keeps a driver (and its reports) under. */
    static boolean isDriverName(String name) {
        return name != null && NAME.matcher(name).matches() && !name.startsWith(".");
    }

    private static String checkName(String name) throws DriverStoreException {
        if (!isDriverName(name)) {
            throw new DriverStoreException("'" + name + "' is not a driver name: use 1 to 64 letters, digits, '_', '.' "
                    + "or '-', not starting with '.'");
        }
        return name;
    }

    private static String checkNameUnchecked(String name) {
        try {
            return checkName(name);
        } catch (DriverStoreException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
