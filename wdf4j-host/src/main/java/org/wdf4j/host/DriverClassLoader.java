package org.wdf4j.host;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.constant.ClassDesc;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.URLConnection;
import java.nio.file.Path;
import java.security.CodeSigner;
import java.security.CodeSource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipFile;
import org.wdf4j.driver.DriverEntry;

/**
 * A driver's own class loader: its package's classes, over the JDK and wdf4j-api only
 * ({@link ApiOnlyClassLoader}).
 *
 * <p>With the code guard on (the default, for drivers that run in the host's own JVM), every class it defines (the
 * package's, and those of the JARs its manifest's Class-Path names) is rewritten so that the driver cannot end the
 * host ({@link DriverCodeGuard}, rule H9). A driver-host process that runs one pool of drivers, where an exit must
 * end that process, turns it off. Either way a class keeps the JAR it came from as its code source, and resources
 * are found as by any {@link URLClassLoader}.
 */
final class DriverClassLoader extends URLClassLoader {

    static {
        registerAsParallelCapable();
    }

    /** The loader that defines the API's classes, whose class files the stack-map generator may need to read. */
    private static final ClassLoader API = DriverEntry.class.getClassLoader();

    /**
     * The JARs class files are read from when the guard is on (the package's, and those its manifest's Class-Path
     * names), by URL, opened on first use and closed by {@link #close()}. Guarded by itself, as is {@link #closed};
     * a {@link JarFile} is safe for concurrent reads, so reading a class file takes no lock.
     */
    private final Map<String, JarFile> jars = new HashMap<>();
    /** Set by {@link #close()}: no JAR is opened after it. Guarded by {@link #jars}. */
    private boolean closed;
    /** Rewrites the classes as they are defined; null when the guard is off. Immutable, safe for concurrent use. */
    private final DriverCodeGuard guard;

    /** A loader with the code guard on. */
    DriverClassLoader(String driverName, Path jar) throws MalformedURLException {
        this(driverName, jar, true);
    }

    /**
     * @param guardCode whether the driver's classes are rewritten so that it cannot end the process it runs in (on
     *     for drivers in the host's own JVM; off in a driver-host process, where an exit is to end that process)
     */
    DriverClassLoader(String driverName, Path jar, boolean guardCode) throws MalformedURLException {
        super("wdf4j-driver:" + driverName, new URL[] {jar.toUri().toURL()}, ApiOnlyClassLoader.INSTANCE);
        this.guard = !guardCode ? null : new DriverCodeGuard(
                ClassHierarchyResolver.ofResourceParsing(this::driverClassFile)
                        .orElse(ClassHierarchyResolver.ofResourceParsing(ClassLoader.getPlatformClassLoader()))
                        .orElse(ClassHierarchyResolver.ofResourceParsing(DriverClassLoader::apiClassFile))
                        .cached());
    }

    /** Whether this loader rewrites the driver's classes (H9). */
    boolean guardsCode() {
        return guard != null;
    }

    /**
     * Defines a class of the driver's package. With the guard on it is found as {@link URLClassLoader} finds it (in
     * the JAR, then in the JARs of its manifest's Class-Path), rewritten by {@link DriverCodeGuard}, and defined with
     * the JAR it came from as its code source (and the entry's signers); with the guard off, as {@link URLClassLoader}
     * does.
     */
    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        if (guard == null) {
            return super.findClass(name);
        }
        ClassBytes found;
        try {
            found = read(name.replace('.', '/').concat(".class"));
        } catch (IOException | IllegalStateException | URISyntaxException e) { // IllegalStateException: closed meanwhile
            throw new ClassNotFoundException(name + " (reading its class file: " + e + ")", e);
        }
        if (found == null) {
            throw new ClassNotFoundException(name);
        }
        definePackageOf(name, found);
        byte[] guarded = guard.guard(name, found.bytes());
        return defineClass(name, guarded, 0, guarded.length, new CodeSource(found.codeBase(), found.signers()));
    }

    /**
     * A class file as read for {@link #findClass}.
     *
     * @param codeBase the JAR (or directory) it was found in
     * @param signers its JAR entry's signers, or null
     * @param manifest the manifest of its JAR, or null
     */
    private record ClassBytes(byte[] bytes, URL codeBase, CodeSigner[] signers, Manifest manifest) {
    }

    /** The class file at {@code path}, where {@link #findResource} finds it; null when it does not. */
    private ClassBytes read(String path) throws IOException, URISyntaxException {
        URL url = findResource(path);
        if (url == null) {
            return null;
        }
        String spec = url.toString();
        int separator = spec.indexOf("!/");
        if (url.getProtocol().equals("jar") && separator > 0 && spec.startsWith("jar:file:")) {
            URL jarUrl = new URI(spec.substring("jar:".length(), separator)).toURL();
            JarFile jar = jar(jarUrl);
            JarEntry entry = jar.getJarEntry(path);
            if (entry == null) {
                return null;
            }
            byte[] bytes;
            try (InputStream in = jar.getInputStream(entry)) {
                bytes = in.readAllBytes();
            }
            return new ClassBytes(bytes, jarUrl, entry.getCodeSigners(), jar.getManifest()); // signers: known once read
        }
        // A directory, or a JAR that is not a local file, on the Class-Path: read without caching anything.
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        byte[] bytes;
        try (InputStream in = connection.getInputStream()) {
            bytes = in.readAllBytes();
        }
        String base = separator > 0 ? spec.substring("jar:".length(), separator) : spec.substring(0, spec.length() - path.length());
        return new ClassBytes(bytes, new URI(base).toURL(), null, null);
    }

    /** The JAR at {@code jarUrl} (a file URL), opened once for the life of this loader. */
    private JarFile jar(URL jarUrl) throws IOException, URISyntaxException {
        synchronized (jars) {
            if (closed) {
                throw new IllegalStateException(getName() + " is closed");
            }
            JarFile jar = jars.get(jarUrl.toString());
            if (jar == null) {
                jar = new JarFile(Path.of(jarUrl.toURI()).toFile(), true, ZipFile.OPEN_READ, JarFile.runtimeVersion());
                jars.put(jarUrl.toString(), jar);
            }
            return jar;
        }
    }

    /** Defines the class's package, with its JAR manifest's attributes, as {@link URLClassLoader} would. */
    private void definePackageOf(String className, ClassBytes found) {
        int dot = className.lastIndexOf('.');
        if (dot < 0) {
            return;
        }
        String pkg = className.substring(0, dot);
        if (getDefinedPackage(pkg) != null) {
            return;
        }
        try {
            if (found.manifest() != null) {
                definePackage(pkg, found.manifest(), found.codeBase());
            } else {
                definePackage(pkg, null, null, null, null, null, null, null);
            }
        } catch (IllegalArgumentException definedMeanwhile) {
            // another thread defined it first (parallel loading): that package is the one
        }
    }

    /** A class file of the driver's package (or its Class-Path), for the stack-map generator; null when none. */
    private InputStream driverClassFile(ClassDesc type) {
        try {
            ClassBytes found = read(internalName(type) + ".class");
            return found == null ? null : new ByteArrayInputStream(found.bytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** A class file of the API packages (only those: the driver sees nothing else of the host's class path). */
    private static InputStream apiClassFile(ClassDesc type) {
        return ApiOnlyClassLoader.API_PACKAGES.contains(type.packageName())
                ? API.getResourceAsStream(internalName(type) + ".class") : null;
    }

    private static String internalName(ClassDesc type) {
        String descriptor = type.descriptorString();
        return descriptor.substring(1, descriptor.length() - 1);
    }

    /** Closes the loader's JARs: those it found resources in, and those the guard read class files from. */
    @Override
    public void close() throws IOException {
        try {
            super.close();
        } finally {
            List<JarFile> open;
            synchronized (jars) {
                closed = true;
                open = List.copyOf(jars.values());
                jars.clear();
            }
            for (JarFile jar : open) {
                jar.close();
            }
        }
    }
}
