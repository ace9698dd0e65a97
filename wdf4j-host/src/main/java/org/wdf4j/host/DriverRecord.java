package org.wdf4j.host;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Properties;
import java.util.regex.Pattern;

/**
 * The format of an installed driver's record, {@code drivers/NAME/driver.properties} (UTF-8 properties): {@code name},
 * {@code entryClass}, {@code frameworkVersion}, {@code package} (the file name of the store's copy,
 * {@code package-SHA16.jar}), {@code source}, {@code sha256}, {@code installedAt}, {@code hardwareIds} (comma-separated,
 * may be empty), when chosen at install, {@code hosting}, and what the package or its install says about device stacks
 * ({@link DeviceSetup}: the manifest's attribute names, e.g. {@code Wdf4j-Upper-Filters}). Every field is checked when
 * the record is read.
 */
final class DriverRecord {

    private static final Pattern JAVA_NAME = Pattern.compile(
            "[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*");
    private static final Pattern VERSION = Pattern.compile("\\d{1,9}\\.\\d{1,9}");
    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern PACKAGE_FILE = Pattern.compile("package-[0-9a-f]{16}\\.jar");

    private DriverRecord() {
    }

    /** The file name of the store's copy of a package with this SHA-256. */
    static String packageFileName(String sha256) {
        return "package-" + sha256.substring(0, 16) + ".jar";
    }

    /** The record of {@code d}, as the bytes of its file. */
    static byte[] bytes(DriverStore.InstalledDriver d) throws IOException {
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
        d.setup().toValues().forEach(p::setProperty);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStreamWriter out = new OutputStreamWriter(bytes, StandardCharsets.UTF_8)) {
            p.store(out, "wdf4j installed driver");
        }
        return bytes.toByteArray();
    }

    /**
     * Reads and checks the record {@code file} of the driver {@code name}.
     *
     * @throws Damaged saying what is wrong with it, naming the file
     */
    static DriverStore.InstalledDriver read(Path file, String name) throws Damaged, IOException {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        } catch (CharacterCodingException e) {
            throw new Damaged(file + " is not UTF-8 text (" + e + ")");
        } catch (IllegalArgumentException e) {
            throw new Damaged(file + " is not a properties file (" + e.getMessage() + ")");
        }
        String recorded = required(p, file, "name");
        if (!recorded.equals(name)) {
            throw new Damaged(file + " names the driver '" + recorded + "', not " + name);
        }
        String entryClass = matching(p, file, "entryClass", JAVA_NAME, "a class name such as com.example.MyDriver");
        String version = matching(p, file, "frameworkVersion", VERSION, "a MAJOR.MINOR version such as 1.0");
        String packageFile = matching(p, file, "package", PACKAGE_FILE, "package-SHA16.jar");
        String source = required(p, file, "source");
        String sha = matching(p, file, "sha256", SHA256, "64 lower-case hex digits");
        if (!packageFile.equals(packageFileName(sha))) {
            throw new Damaged(file + ": package " + packageFile + " does not match sha256 " + sha);
        }
        Instant installedAt;
        try {
            installedAt = Instant.parse(required(p, file, "installedAt"));
        } catch (DateTimeParseException e) {
            throw new Damaged(file + ": installedAt '" + p.getProperty("installedAt") + "' is not a time such as "
                    + "2025-01-31T12:00:00Z");
        }
        String hosting = p.getProperty("hosting");
        try {
            return new DriverStore.InstalledDriver(name, entryClass, version, file.resolveSibling(packageFile), source,
                    sha, installedAt, DriverPackage.parseHardwareIds(file, p.getProperty("hardwareIds")),
                    hosting == null ? null : HostingModel.parse(hosting), DeviceSetup.parse(file, p::getProperty));
        } catch (DriverPackageException e) {
            throw new Damaged(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new Damaged(file + ": hosting " + e.getMessage());
        }
    }

    private static String required(Properties p, Path file, String key) throws Damaged {
        String value = p.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new Damaged(file + " has no " + key);
        }
        return value;
    }

    private static String matching(Properties p, Path file, String key, Pattern pattern, String expected)
            throws Damaged {
        String value = required(p, file, key);
        if (!pattern.matcher(value).matches()) {
            throw new Damaged(file + ": " + key + " '" + shorten(value) + "' is not " + expected);
        }
        return value;
    }

    private static String shorten(String value) {
        return value.length() <= 80 ? value : value.substring(0, 80) + "...";
    }

    /** What is wrong with a record; the message names the file. */
    static final class Damaged extends Exception {
        private static final long serialVersionUID = 1L;

        Damaged(String message) {
            super(message);
        }
    }
}
