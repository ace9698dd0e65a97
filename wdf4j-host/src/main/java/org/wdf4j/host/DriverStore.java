package org.wdf4j.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.jar.JarFile;
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
 *   drivers/NAME/driver.properties      the installed driver: entry class, version, package file, source, time
 *   drivers/NAME/PACKAGE-SHA.jar        the copy of the driver package
 *   drivers/NAME/parameters.properties  the driver's Parameters values
 * </pre>
 *
 * <p>{@code driver.properties} is the commit record: a driver is installed exactly when it exists.
 * Install copies the package first, then writes the record (atomically); uninstall deletes the record
 * first, then the rest. A crash at any point leaves the old or the new state, and the leftovers
 * (temporary files, packages no record names, directories without a record) are removed the next
 * time the store is opened.
 *
 * <p>Opening the store takes the state directory's lock, held until {@link #close()}: one process
 * uses a state directory at a time.
 */
public final class DriverStore implements AutoCloseable {

    static final String LOCK_FILE = "host.lock";
    static final String SOCKET_FILE = "host.sock";
    static final String RECORD = "driver.properties";
    static final String PARAMETERS = "parameters.properties";
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
     */
    public record InstalledDriver(String name, String entryClass, String frameworkVersion, Path jar, String source,
                                  String sha256, Instant installedAt, List<String> hardwareIds, HostingModel hosting) {

        /** The package to start, with the hosting model chosen at install (or the package's own, or none). */
        public DriverPackage toPackage() throws DriverPackageException {
            return DriverPackage.of(jar, entryClass, name, frameworkVersion, hardwareIds).withHosting(hosting);
        }
    }

    private final Path stateDir;
    private final Path drivers;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private DriverStore(Path stateDir, FileChannel lockChannel, FileLock lock) {
        this.stateDir = stateDir;
        this.drivers = stateDir.resolve("drivers");
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
     * Installs a driver package: copies it into the store and records it. The package was validated
     * by {@link DriverPackage#open} or {@link DriverPackage#of}; install also checks that the JAR holds
     * the entry class. A refused or failed install changes nothing.
     *
     * @param replace replace an installed driver of the same name (its parameters are kept)
     * @throws DriverPackageException when the package is not a valid driver package
     * @throws DriverStoreException when a driver of that name is installed and {@code replace} is false
     */
    public synchronized InstalledDriver install(DriverPackage pkg, boolean replace)
            throws DriverPackageException, DriverStoreException, IOException {
        String name = checkName(pkg.name());
        checkEntryClassInJar(pkg);
        Path dir = drivers.resolve(name);
        Optional<InstalledDriver> old = get(name);
        if (old.isPresent() && !replace) {
            throw new DriverStoreException("a driver named " + name + " is already installed (from " + old.get().source()
                    + "); uninstall it first or install with --replace");
        }
        if (old.isEmpty()) {
            deleteTree(dir); // leftovers of a crashed install or uninstall: a fresh install starts empty
        }
        Files.createDirectories(dir);
        String sha;
        Path temp = Files.createTempFile(dir, AtomicFiles.TEMP_PREFIX + "package-", ".jar");
        try {
            MessageDigest digest = sha256();
            try (InputStream in = new DigestInputStream(Files.newInputStream(pkg.jar()), digest)) {
                AtomicFiles.copy(in, temp);
            }
            sha = HexFormat.of().formatHex(digest.digest());
            Path jar = dir.resolve("package-" + sha.substring(0, 16) + ".jar");
            Files.move(temp, jar, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            InstalledDriver installed = new InstalledDriver(name, pkg.entryClass(), pkg.frameworkVersion(), jar,
                    pkg.jar().toAbsolutePath().normalize().toString(), sha, Instant.now(), pkg.hardwareIds(),
                    pkg.hosting());
            writeRecord(installed); // the commit point
            removeUnreferencedPackages(dir, jar);
            return installed;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Uninstalls a driver: removes its package and its parameters. The caller makes sure it does not run.
     *
     * @throws DriverStoreException when no driver of that name is installed
     */
    public synchronized void uninstall(String name) throws DriverStoreException, IOException {
        checkName(name);
        Path record = drivers.resolve(name).resolve(RECORD);
        if (!Files.exists(record)) {
            throw new DriverStoreException("no driver named " + name + " is installed (see wdf4j list)");
        }
        Files.delete(record); // the commit point
        AtomicFiles.syncDirectory(record.getParent());
        deleteTree(drivers.resolve(name));
    }

    /** The installed driver of that name. */
    public synchronized Optional<InstalledDriver> get(String name) throws IOException {
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            return Optional.empty();
        }
        Path record = drivers.resolve(name).resolve(RECORD);
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(record, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(new InstalledDriver(name, p.getProperty("entryClass"), p.getProperty("frameworkVersion"),
                    record.resolveSibling(p.getProperty("package")), p.getProperty("source"), p.getProperty("sha256"),
                    Instant.parse(p.getProperty("installedAt")),
                    DriverPackage.parseHardwareIds(record, p.getProperty("hardwareIds")),
                    p.getProperty("hosting") == null ? null : HostingModel.parse(p.getProperty("hosting"))));
        } catch (RuntimeException | DriverPackageException e) {
            throw new IOException(record + " is damaged (" + e + "); uninstall and reinstall the driver", e);
        }
    }

    /** Every installed driver, by name. */
    public synchronized List<InstalledDriver> list() throws IOException {
        List<InstalledDriver> all = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(drivers)) {
            for (Path dir : dirs.sorted().toList()) {
                get(dir.getFileName().toString()).ifPresent(all::add);
            }
        }
        return all;
    }

    /** The backend of the installed driver's Parameters key. */
    public FxParameters parameters(String name) {
        return new StoreParameters(drivers.resolve(checkNameUnchecked(name)).resolve(PARAMETERS));
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

    private void writeRecord(InstalledDriver d) throws IOException {
        Properties p = new Properties();
        p.setProperty("name", d.name());
        p.setProperty("entryClass", d.entryClass());
        p.setProperty("frameworkVersion", d.frameworkVersion());
        p.setProperty("package", d.jar().getFileName().toString());
        p.setProperty("source", d.source());
        p.setProperty("sha256", d.sha256());
        p.setProperty("installedAt", d.installedAt().toString());
        p.setProperty("hardwareIds", String.join(",", d.hardwareIds()));
        if (d.hosting() != null) {
            p.setProperty("hosting", d.hosting().label());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStreamWriter out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            p.store(out, "wdf4j installed driver");
        }
        AtomicFiles.write(drivers.resolve(d.name()).resolve(RECORD), bytes.toByteArray());
    }

    /** Removes what a crash may have left: temporary files, unrecorded directories, packages no record names. */
    private void sweep() throws IOException {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(drivers)) {
            for (Path dir : dirs) {
                if (!Files.isDirectory(dir)) {
                    Files.deleteIfExists(dir);
                    continue;
                }
                Optional<InstalledDriver> installed;
                try {
                    installed = get(dir.getFileName().toString());
                } catch (IOException damaged) {
                    continue; // reported when used; never deleted behind the user's back
                }
                if (installed.isEmpty()) {
                    deleteTree(dir);
                } else {
                    removeUnreferencedPackages(dir, installed.get().jar());
                }
            }
        }
    }

    private static void removeUnreferencedPackages(Path dir, Path keep) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (n.startsWith(AtomicFiles.TEMP_PREFIX) || (n.endsWith(".jar") && !f.equals(keep))) {
                    Files.deleteIfExists(f);
                }
            }
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void checkEntryClassInJar(DriverPackage pkg) throws DriverPackageException {
        String entry = pkg.entryClass().replace('.', '/') + ".class";
        try (JarFile jar = new JarFile(pkg.jar().toFile())) {
            if (jar.getEntry(entry) == null) {
                throw new DriverPackageException(pkg.jar() + ": the entry class " + pkg.entryClass() + " named by "
                        + DriverPackage.ENTRY_ATTRIBUTE + " is not in the JAR (no " + entry + ")");
            }
        } catch (IOException e) {
            throw new DriverPackageException(pkg.jar() + " is not a JAR file (" + e.getMessage() + ")", e);
        }
    }

    private static String checkName(String name) throws DriverStoreException {
        if (name == null || !NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw new DriverStoreException("'" + name + "' is not a driver name: use 1 to 64 letters, digits, '_', '.' "
                    + "or '-' (not . or ..)");
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

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
