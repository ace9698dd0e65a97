package org.wdf4j.maven;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;

/**
 * {@code wdf4j:package}: makes the project's JAR a driver package. It writes the driver package's manifest attributes
 * ({@code Wdf4j-Driver-Entry}, {@code Wdf4j-Driver-Name}, {@code Wdf4j-Version}, {@code Wdf4j-Hardware-Ids},
 * {@code Wdf4j-Hosting}, and any other given as {@code manifestEntries}, e.g. {@code Wdf4j-Upper-Filters}) into the JAR
 * that {@code jar:jar} made, then checks it with the host's own install check: the build fails with the message
 * {@code wdf4j install} would print (an entry class that could not start, a reference to the framework or the host, a
 * class in the unnamed package or an API or JDK package, a framework version this host does not bind to).
 *
 * <p>Its goal and parameters are declared in {@code src/main/plugin/META-INF/maven/plugin.xml}.
 */
public final class PackageDriverMojo extends AbstractMojo {

    /** The class that implements {@code org.wdf4j.driver.DriverEntry} ({@code Wdf4j-Driver-Entry}). */
    String entryClass;

    /** The driver's name, its service name ({@code Wdf4j-Driver-Name}). */
    String driverName;

    /** The framework version the driver is built for ({@code Wdf4j-Version}); by default this plugin's host's. */
    String frameworkVersion;

    /** The hardware IDs a PnP driver binds to ({@code Wdf4j-Hardware-Ids}), e.g. {@code ROOT\MYDEVICE}. */
    List<String> hardwareIds;

    /** Where the driver asks to run by default ({@code Wdf4j-Hosting}): in-process, isolated or pooled. */
    String hosting;

    /** Other manifest attributes, e.g. {@code Wdf4j-Upper-Filters}, {@code Wdf4j-Class}, {@code Wdf4j-Driver-Version}. */
    Map<String, String> manifestEntries;

    /** The JAR to make a driver package: the one {@code jar:jar} made. */
    File jar;

    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        Path path = jar.toPath();
        if (!Files.isRegularFile(path)) {
            throw new MojoExecutionException(path + " does not exist: wdf4j:package runs in the package phase, after "
                    + "jar:jar has made the project's JAR (is the project's packaging jar?)");
        }
        Map<String, String> attributes = attributes();
        try {
            DriverJar.stamp(path, attributes);
        } catch (IOException e) {
            throw new MojoExecutionException("cannot write the driver manifest into " + path + ": " + e.getMessage(), e);
        }
        try {
            DriverPackage pkg = DriverJar.check(path);
            getLog().info("Driver package " + path.getFileName() + ": " + pkg.name() + " (entry " + pkg.entryClass()
                    + ", framework " + pkg.frameworkVersion()
                    + (pkg.hardwareIds().isEmpty() ? "" : ", hardware IDs " + String.join(", ", pkg.hardwareIds()))
                    + (pkg.hosting() == null ? "" : ", hosting " + pkg.hosting()) + ") passes the host's install check");
        } catch (DriverPackageException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /** The manifest attributes, in the order a reader expects them. */
    Map<String, String> attributes() {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(DriverPackage.ENTRY_ATTRIBUTE, entryClass.strip());
        attributes.put(DriverPackage.NAME_ATTRIBUTE, driverName.strip());
        attributes.put(DriverPackage.VERSION_ATTRIBUTE,
                frameworkVersion == null || frameworkVersion.isBlank() ? DriverPackage.FRAMEWORK_VERSION : frameworkVersion.strip());
        if (hardwareIds != null && !hardwareIds.isEmpty()) {
            attributes.put(DriverPackage.HARDWARE_IDS_ATTRIBUTE,
                    String.join(", ", hardwareIds.stream().map(String::strip).toList()));
        }
        if (hosting != null && !hosting.isBlank()) {
            attributes.put(DriverPackage.HOSTING_ATTRIBUTE, hosting.strip());
        }
        if (manifestEntries != null) {
            manifestEntries.forEach((name, value) -> attributes.put(name, value == null ? "" : value.strip()));
        }
        return attributes;
    }
}
