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
 *
 * <p>Every class it defines is in the driver's own named module ({@link DriverModule}), which is defined to it by
 * {@link #open} before any class: no other driver can reach into the driver's classes by reflection (H9).
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
    /**
     * The driver's module ({@link DriverModule}): set by {@link #open} before the loader is published, never changed;
     * every package of the driver's JARs is in it, so the loader defines no package of its own.
     */
    private Module module;

    /**
     * The driver's loader, with its module defined ({@link DriverModule}) before any class of it is.
     *
     * @param guardCode whether the driver's classes are rewritten so that it cannot end the process it runs in (on
     *     for drivers in the host's own JVM; off in a driver-host process, where an exit is to end that process)
     * @param nativeAccess whether the driver's module may call native code (in a driver host only)
     * @throws DriverPackageException when the JAR cannot be read or holds what a module cannot
     */
    static DriverClassLoader open(DriverPackage pkg, boolean guardCode, boolean nativeAccess)
            throws DriverPackageException {
        DriverClassLoader loader;
        try {
            loader = new DriverClassLoader(pkg.name(), pkg.jar(), guardCode);
        } catch (MalformedURLException e) {
            throw new DriverPackageException("cannot open " + pkg.jar() + ": " + e.getMessage(), e);
        }
        try {
            loader.module = DriverModule.define(pkg, loader, nativeAccess);
            return loader;
        } catch (DriverPackageException | RuntimeException e) {
            LocalDriverRuntime.closeQuietly(loader);
            throw e;
        }
    }

    private DriverClassLoader(String driverName, Path jar, boolean guardCode) throws MalformedURLException {
        super("wdf4j-driver:" + driverName, new URL[] {jar.toUri().toURL()}, ApiOnlyClassLoader.INSTANCE);
        this.guard = !guardCode ? null : new DriverCodeGuard(
                ClassHierarchyResolver.ofResourceParsing(this::driverClassFile)
                        .orElse(ClassHierarchyResolver.ofResourceParsing(ClassLoader.getPlatformClassLoader()))
                        .orElse(ClassHierarchyResolver.ofResourceParsing(DriverClassLoader::apiClassFile))
                        .cached());
    }

    /** The driver's module, which every class this loader defines belongs to. */
    Module module() {
        return module;
    }

    /** Whether this loader rewrites the driver's classes (H9). */
    boolean guardsCode() {
        return guard != null;
    }

    /**
     * Defines a class of the driver's package, found as {@link URLClassLoader} finds it (in the JAR, then in the JARs
     * of its manifest's Class-Path), rewritten by {@link DriverCodeGuard} when the guard is on, and defined, in the
     * driver's module, with the JAR it came from as its code source (and the entry's signers).
     */
    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        ClassBytes found;
        try {
            found = read(name.replace('.', '/').concat(".class"));
        } catch (IOException | IllegalStateException | URISyntaxException e) { // IllegalStateException: closed meanwhile
            throw new ClassNotFoundException(name + " (reading its class file: " + e + ")", e);
        }
        if (found == null) {
            throw new ClassNotFoundException(name);
        }
        byte[] bytes = guard == null ? found.bytes() : guard.guard(name, found.bytes());
        return defineClass(name, bytes, 0, bytes.length, new CodeSource(found.codeBase(), found.signers()));
    }

    /** A class of the driver's module, for {@link Class#forName(Module, String)}; null for another module's. */
    @Override
    protected Class<?> findClass(String moduleName, String name) {
        if (moduleName != null && !moduleName.equals(module.getName())) {
            return null;
        }
        try {
            return findClass(name);
        } catch (ClassNotFoundException e) {
            return null;
        }
    }

    /** A resource of the driver's module ({@link Module#getResourceAsStream} asks for them so); null for another's. */
    @Override
    protected URL findResource(String moduleName, String name) throws IOException {
        return moduleName == null || moduleName.equals(module.getName()) ? findResource(name) : null;
    }

    /**
     * A class file as read for {@link #findClass}.
     *
     * @param codeBase the JAR (or directory) it was found in
     * @param signers its JAR entry's signers, or null
     */
    private record ClassBytes(byte[] bytes, URL codeBase, CodeSigner[] signers) {
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
            return new ClassBytes(bytes, jarUrl, entry.getCodeSigners()); // signers: known once read
        }
        // A directory, or a JAR that is not a local file, on the Class-Path: read without caching anything.
        URLConnection connection = url.openConnection();
        connection.setUseCaches(false);
        byte[] bytes;
        try (InputStream in = connection.getInputStream()) {
            bytes = in.readAllBytes();
        }
        String base = separator > 0 ? spec.substring("jar:".length(), separator) : spec.substring(0, spec.length() - path.length());
        return new ClassBytes(bytes, new URI(base).toURL(), null);
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
