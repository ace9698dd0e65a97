package org.wdf4j.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wdf4j.framework.NameRule;

/**
 * A driver package: a JAR holding a driver's classes, whose manifest names its entry class.
 *
 * <pre>
 * Wdf4j-Driver-Entry: com.example.MyDriver      (required: a public class implementing DriverEntry)
 * Wdf4j-Driver-Name: mydriver                    (optional: defaults to the JAR's file name)
 * Wdf4j-Version: 1.0                             (optional: the framework version it was built for)
 * Wdf4j-Hardware-Ids: root\wdf4jecho, root\echo2  (PnP drivers: the hardware IDs it binds to)
 * Wdf4j-Hosting: isolated                        (optional: where it runs by default, in-process or isolated)
 * </pre>
 *
 * <p>and, for device stacks, the attributes of {@link DeviceSetup} (its version, its devices' setup class, filters).
 *
 * @param jar the JAR file
 * @param name the driver's name (its service name; the last component of its registry path)
 * @param entryClass the fully qualified name of the class implementing {@code DriverEntry}
 * @param frameworkVersion the framework version it was built for, e.g. {@code 1.0}
 * @param hardwareIds the hardware IDs a PnP driver binds to, in the manifest's order; empty for a
 *     non-PnP driver
 * @param hosting where the package asks to run by default ({@code Wdf4j-Hosting}), or null when it states no
 *     preference; whoever installs or starts it may choose otherwise (H2)
 * @param setup what it says about device stacks: its version, its devices' class, their filters, the classes it
 *     filters ({@link DeviceSetup}; whoever installs it may say otherwise)
 */
public record DriverPackage(Path jar, String name, String entryClass, String frameworkVersion, List<String> hardwareIds,
                            HostingModel hosting, DeviceSetup setup) {

    public static final String ENTRY_ATTRIBUTE = "Wdf4j-Driver-Entry";
    public static final String NAME_ATTRIBUTE = "Wdf4j-Driver-Name";
    public static final String VERSION_ATTRIBUTE = "Wdf4j-Version";
    public static final String HARDWARE_IDS_ATTRIBUTE = "Wdf4j-Hardware-Ids";
    public static final String HOSTING_ATTRIBUTE = "Wdf4j-Hosting";
    /** The framework version this host implements. */
    public static final String FRAMEWORK_VERSION = "1.0";

    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+)");

    public DriverPackage {
        Objects.requireNonNull(jar, "jar");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(entryClass, "entryClass");
        Objects.requireNonNull(frameworkVersion, "frameworkVersion");
        hardwareIds = List.copyOf(hardwareIds);
        Objects.requireNonNull(setup, "setup");
    }

    /** Reads a driver package's manifest; the error names the file and what to fix. */
    public static DriverPackage open(Path jar) throws DriverPackageException {
        Manifest manifest = readManifest(jar);
        Attributes main = manifest.getMainAttributes();
        String entry = main.getValue(ENTRY_ATTRIBUTE);
        if (entry == null || entry.isBlank()) {
            throw new DriverPackageException(jar + " is not a driver package: its manifest has no " + ENTRY_ATTRIBUTE
                    + " attribute. Add one naming the class that implements org.wdf4j.driver.DriverEntry.");
        }
        String name = main.getValue(NAME_ATTRIBUTE);
        if (name == null || name.isBlank()) {
            String file = jar.getFileName().toString();
            name = file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
        }
        String version = main.getValue(VERSION_ATTRIBUTE);
        String hosting = main.getValue(HOSTING_ATTRIBUTE);
        HostingModel model = null;
        if (hosting != null && !hosting.isBlank()) {
            try {
                model = HostingModel.parse(hosting);
            } catch (IllegalArgumentException e) {
                throw new DriverPackageException(jar + ": " + HOSTING_ATTRIBUTE + " " + e.getMessage());
            }
        }
        return of(jar, entry.strip(), name.strip(), version == null ? FRAMEWORK_VERSION : version.strip(),
                parseHardwareIds(jar, main.getValue(HARDWARE_IDS_ATTRIBUTE))).withHosting(model)
                .withSetup(DeviceSetup.fromManifest(jar, main));
    }

    /**
     * Checks this package's JAR as install does, without running any of its code: every entry reads back whole, the
     * entry class could start (public, concrete, implements {@code DriverEntry}, a public constructor without
     * arguments), its classes refer to no class of wdf4j outside the API, and its packages can be a driver's module
     * (none unnamed, none of the JDK's or the API's). The {@code wdf4j-maven-plugin} calls it at build time.
     *
     * @return this package
     * @throws DriverPackageException naming the JAR, what is wrong and what to do
     */
    public DriverPackage check() throws DriverPackageException {
        DriverPackageCheck.check(this);
        return this;
    }

    /** This package with another default hosting model (null: no preference). */
    public DriverPackage withHosting(HostingModel model) {
        return new DriverPackage(jar, name, entryClass, frameworkVersion, hardwareIds, model, setup);
    }

    /** This package with what another source (its install) says about device stacks. */
    public DriverPackage withSetup(DeviceSetup deviceSetup) {
        return new DriverPackage(jar, name, entryClass, frameworkVersion, hardwareIds, hosting, deviceSetup);
    }

    /** The comma-separated hardware IDs of the manifest; the error names the ID that is not valid. */
    static List<String> parseHardwareIds(Path jar, String attribute) throws DriverPackageException {
        if (attribute == null || attribute.isBlank()) {
            return List.of();
        }
        List<String> ids = new ArrayList<>();
        for (String part : attribute.split(",")) {
            String id = part.strip();
            Optional<String> broken = NameRule.HARDWARE_ID.violation(id);
            if (broken.isPresent()) {
                throw new DriverPackageException(jar + ": " + HARDWARE_IDS_ATTRIBUTE + ": "
                        + NameRule.HARDWARE_ID.refusal(id, broken.get()) + " (the attribute lists hardware IDs "
                        + "separated by commas, e.g. root\\wdf4jecho, USB\\VID_045E&PID_00DB)");
            }
            if (!ids.contains(id)) {
                ids.add(id);
            }
        }
        return ids;
    }

    /** A package whose entry class and name are given by the caller (a JAR with several drivers). */
    public static DriverPackage of(Path jar, String entryClass, String name, String frameworkVersion)
            throws DriverPackageException {
        return of(jar, entryClass, name, frameworkVersion, List.of());
    }

    /** The same, for a PnP driver with the hardware IDs it binds to. */
    public static DriverPackage of(Path jar, String entryClass, String name, String frameworkVersion,
                                   List<String> hardwareIds) throws DriverPackageException {
        Optional<String> broken = NameRule.DRIVER_NAME.violation(name);
        if (broken.isPresent()) {
            throw new DriverPackageException(jar + ": " + NameRule.DRIVER_NAME.refusal(name, broken.get()));
        }
        checkVersion(jar, frameworkVersion);
        if (!Files.isRegularFile(jar)) {
            throw new DriverPackageException(jar + " does not exist or is not a file");
        }
        return new DriverPackage(jar, name, entryClass, frameworkVersion, hardwareIds, null, DeviceSetup.NONE);
    }

    /**
     * WDF's version binding: a driver built for the same major version and an older or equal minor
     * version runs; a newer minor or another major is refused.
     */
    static void checkVersion(Path jar, String version) throws DriverPackageException {
        Matcher m = VERSION.matcher(version);
        Matcher host = VERSION.matcher(FRAMEWORK_VERSION);
        if (!m.matches() || !host.matches()) {
            throw new DriverPackageException(jar + ": " + VERSION_ATTRIBUTE + " '" + version
                    + "' is not a MAJOR.MINOR version such as " + FRAMEWORK_VERSION);
        }
        int major = Integer.parseInt(m.group(1));
        int minor = Integer.parseInt(m.group(2));
        int hostMajor = Integer.parseInt(host.group(1));
        int hostMinor = Integer.parseInt(host.group(2));
        String rule = jar + " was built for wdf4j framework " + version + ", but this host is " + FRAMEWORK_VERSION
                + ": a driver runs on the same major version with an equal or newer minor. ";
        if (major < hostMajor) {
            throw new DriverPackageException(rule + "It was built for an older major version, whose API this host does "
                    + "not keep: rebuild the driver against wdf4j-api " + FRAMEWORK_VERSION + ", or run it on a wdf4j "
                    + major + ".x host.");
        }
        if (major != hostMajor || minor > hostMinor) {
            throw new DriverPackageException(rule + "Run it on a host of framework " + major + "." + minor
                    + " or newer (of major version " + major + "), or rebuild the driver against wdf4j-api "
                    + FRAMEWORK_VERSION + ".");
        }
    }

    private static Manifest readManifest(Path jar) throws DriverPackageException {
        if (!Files.isRegularFile(jar)) {
            throw new DriverPackageException(jar + " does not exist or is not a file; give the path of a driver JAR");
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            if (manifest == null) {
                throw new DriverPackageException(jar + " has no META-INF/MANIFEST.MF; a driver package's manifest names its "
                        + ENTRY_ATTRIBUTE);
            }
            return manifest;
        } catch (IOException e) {
            throw new DriverPackageException(jar + " is not a JAR file (" + e.getMessage() + ")", e);
        }
    }
}
