package org.wdf4j.maven;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Enumeration;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;

/**
 * A driver JAR at build time: its manifest given the driver package's attributes, then checked by the host's own code
 * ({@link DriverPackage#open} and {@link DriverPackage#check}, what {@code wdf4j install} runs), so that a build fails
 * with the message an install would give.
 */
final class DriverJar {

    private DriverJar() {
    }

    /**
     * Rewrites {@code jar} with {@code attributes} added to its manifest's main attributes (replacing those of the same
     * name); every other entry is copied as it is, with its time.
     */
    static void stamp(Path jar, Map<String, String> attributes) throws IOException {
        Path rewritten = Files.createTempFile(jar.toAbsolutePath().getParent(), jar.getFileName() + ".", ".tmp");
        try {
            try (JarFile in = new JarFile(jar.toFile());
                 OutputStream file = Files.newOutputStream(rewritten)) {
                Manifest manifest = in.getManifest() == null ? new Manifest() : new Manifest(in.getManifest());
                Attributes main = manifest.getMainAttributes();
                main.putIfAbsent(Attributes.Name.MANIFEST_VERSION, "1.0");
                attributes.forEach((name, value) -> main.put(new Attributes.Name(name), value));
                try (JarOutputStream out = new JarOutputStream(file, manifest)) {
                    Enumeration<JarEntry> entries = in.entries();
                    while (entries.hasMoreElements()) {
                        JarEntry entry = entries.nextElement();
                        if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
                            continue;
                        }
                        JarEntry copy = new JarEntry(entry.getName());
                        copy.setTime(entry.getTime());
                        out.putNextEntry(copy);
                        try (InputStream data = in.getInputStream(entry)) {
                            data.transferTo(out);
                        }
                        out.closeEntry();
                    }
                }
            }
            Files.move(rewritten, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(rewritten);
        }
    }

    /** Opens and checks {@code jar} as {@code wdf4j install} does; the exception's message is the host's. */
    static DriverPackage check(Path jar) throws DriverPackageException {
        return DriverPackage.open(jar).check();
    }
}
