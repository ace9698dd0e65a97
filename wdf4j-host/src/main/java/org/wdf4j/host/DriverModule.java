package org.wdf4j.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.wdf4j.driver.DriverEntry;

/**
 * A driver's own named module, in a module layer of its own (rule H9: no driver reaches another driver's objects).
 *
 * <p>A class loader alone leaves a driver's classes in that loader's unnamed module, which is open to every module:
 * any code that finds the driver's class loader or objects (a framework thread's context class loader, a handler or
 * MBean the driver registered) can {@code setAccessible} its fields or make a private lookup in its classes. Here every
 * package of the driver's JAR (and of the JARs its manifest's {@code Class-Path} names) belongs to one module, defined
 * to the driver's {@link DriverClassLoader}, that exports and opens nothing, except the entry class's package, exported
 * (not opened) to the host's module, which makes the entry class's instance. Another driver, in-process or in the same
 * driver host, meets the module boundary: {@code IllegalAccessException} and {@code InaccessibleObjectException}.
 *
 * <p>The module reads the JDK's modules of the boot layer (as a class-path program does) and the API's, declared as
 * {@code requires} in its descriptor (the controller adds them only where the API or the host is on the class path, as
 * in the host's own tests); it declares {@code uses} and {@code provides} for the services its JAR lists under {@code META-INF/services}, so a driver's own
 * {@link java.util.ServiceLoader} works as before. In a driver host the module is given native access (the launcher's
 * {@code ALL-UNNAMED} grant no longer covers a named module); in the host's JVM it never is.
 *
 * <p>What a named module cannot hold is refused with what to fix: classes in the unnamed package, and packages that
 * belong to the JDK ({@code java.*}) or the API.
 */
final class DriverModule {

    /** The prefix of every driver module's name; the rest is the driver's name made a valid module name. */
    static final String NAME_PREFIX = "wdf4j.driver.";

    private static final String SERVICES = "META-INF/services/";

    private DriverModule() {
    }

    /**
     * Defines the module of {@code pkg}'s driver to {@code loader}, which has defined no class yet.
     *
     * @param nativeAccess whether the driver may call native code (in a driver host: yes; in the host's JVM: never)
     * @return the module
     * @throws DriverPackageException naming what in the JAR a module cannot hold, or why it could not be read
     */
    static Module define(DriverPackage pkg, DriverClassLoader loader, boolean nativeAccess) throws DriverPackageException {
        Contents contents = contents(pkg);
        String name = moduleName(pkg.name());
        ModuleDescriptor.Builder builder = ModuleDescriptor.newModule(name).packages(contents.packages());
        contents.services().forEach((service, providers) -> {
            // A service file that names no valid type, or providers outside the JAR, is one ServiceLoader could not
            // use before either: it is left out, not refused.
            try {
                builder.uses(service);
            } catch (IllegalArgumentException notAType) {
                return;
            }
            List<String> own = providers.stream().filter(p -> contents.packages().contains(packageOf(p))).toList();
            try {
                if (!own.isEmpty()) {
                    builder.provides(service, own);
                }
            } catch (IllegalArgumentException notClassNames) {
                // as above
            }
        });
        // Readability and the entry package's export are declared, not added with the layer's controller: what the
        // controller adds lives in JDK-wide weak maps (Module.ReflectionData) whose entries go only after a full
        // collection and whose tables never shrink, about 70 entries a load; a declared read lives in the module.
        for (Module jdk : ModuleLayer.boot().modules()) {
            ClassLoader definer = jdk.getClassLoader();
            if (definer == null || definer == ClassLoader.getPlatformClassLoader()) {
                builder.requires(jdk.getName());
            }
        }
        Module api = DriverEntry.class.getModule(); // named on the module path, unnamed on the class path (tests)
        if (api.isNamed()) {
            builder.requires(api.getName());
        }
        Module host = DriverModule.class.getModule();
        String entryPackage = packageOf(pkg.entryClass());
        boolean exportsEntry = contents.packages().contains(entryPackage);
        if (exportsEntry && host.isNamed()) {
            builder.exports(entryPackage, Set.of(host.getName())); // DriverHost.instantiate
        }
        ModuleDescriptor descriptor = builder.build();
        ModuleLayer.Controller controller;
        try {
            Configuration configuration = ModuleLayer.boot().configuration()
                    .resolve(new OneModule(descriptor, pkg.jar(), loader), ModuleFinder.of(), Set.of(name));
            controller = ModuleLayer.defineModules(configuration, List.of(ModuleLayer.boot()), mn -> loader);
        } catch (FindException | ResolutionException | LayerInstantiationException e) {
            throw new DriverPackageException(pkg.jar() + ": the driver's module cannot be defined: " + e.getMessage(), e);
        }
        Module module = controller.layer().findModule(name).orElseThrow();
        if (!api.isNamed()) {
            controller.addReads(module, api);
        }
        if (exportsEntry && !host.isNamed()) {
            controller.addExports(module, entryPackage, host);
        }
        if (nativeAccess) {
            controller.enableNativeAccess(module);
        }
        return module;
    }

    /**
     * The module name for a driver: {@value #NAME_PREFIX} and its name with each character a Java identifier cannot
     * hold made {@code _}, and an {@code _} added where the result would start with a digit or be a keyword.
     */
    static String moduleName(String driverName) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < driverName.length(); i++) {
            char c = driverName.charAt(i);
            sb.append(Character.isJavaIdentifierPart(c) && c < 128 ? c : '_');
        }
        if (sb.isEmpty() || !Character.isJavaIdentifierStart(sb.charAt(0))) {
            sb.insert(0, '_');
        }
        String candidate = NAME_PREFIX + sb;
        try {
            ModuleDescriptor.newModule(candidate);
            return candidate;
        } catch (IllegalArgumentException keyword) { // "null", "class", "_": a keyword or literal is no identifier
            return candidate + "_";
        }
    }

    /**
     * What the module holds: the packages of the JAR's classes, and its services.
     *
     * @param services each service type listed under {@code META-INF/services}, with the providers listed for it
     */
    record Contents(Set<String> packages, Map<String, List<String>> services) {
    }

    /** Reads the packages and services of the driver's JAR and of the JARs its Class-Path names. */
    static Contents contents(DriverPackage pkg) throws DriverPackageException {
        Set<String> packages = new TreeSet<>();
        Map<String, List<String>> services = new LinkedHashMap<>();
        List<Path> jars = new ArrayList<>();
        jars.add(pkg.jar());
        for (int i = 0; i < jars.size(); i++) {
            Path jar = jars.get(i);
            try (JarFile file = new JarFile(jar.toFile(), false, ZipFile.OPEN_READ, JarFile.runtimeVersion())) {
                for (JarEntry entry : (Iterable<JarEntry>) file.versionedStream()::iterator) {
                    String path = entry.getName();
                    if (path.endsWith(".class") && !path.startsWith("META-INF/") && !path.endsWith("module-info.class")) {
                        packages.add(checkedPackage(pkg, jar, path));
                    } else if (path.startsWith(SERVICES) && !entry.isDirectory() && path.length() > SERVICES.length()) {
                        try (InputStream in = file.getInputStream(entry)) {
                            services.computeIfAbsent(path.substring(SERVICES.length()), s -> new ArrayList<>())
                                    .addAll(providers(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                        }
                    }
                }
                if (i == 0) {
                    jars.addAll(classPath(jar, file));
                }
            } catch (IOException e) {
                throw new DriverPackageException("cannot read " + jar + " (" + e.getMessage() + ")", e);
            }
        }
        return new Contents(packages, services);
    }

    /** The package of the class file at {@code path}; refused when a driver's module cannot hold it. */
    private static String checkedPackage(DriverPackage pkg, Path jar, String path) throws DriverPackageException {
        int slash = path.lastIndexOf('/');
        String className = path.substring(0, path.length() - ".class".length()).replace('/', '.');
        String where = jar.equals(pkg.jar()) ? pkg.jar().toString() : pkg.jar() + " (through its Class-Path, " + jar + ")";
        if (slash < 0) {
            throw new DriverPackageException(where + ": the class " + className + " is in the unnamed package. A "
                    + "driver's classes are its module's, which cannot hold the unnamed package (and classes there would "
                    + "be open to every other driver's reflection): put it in a package, such as com.example."
                    + className.toLowerCase(java.util.Locale.ROOT) + "." + className);
        }
        String name = path.substring(0, slash).replace('/', '.');
        if (name.equals("java") || name.startsWith("java.") || ApiOnlyClassLoader.API_PACKAGES.contains(name)) {
            throw new DriverPackageException(where + ": the class " + className + " is in the package " + name
                    + ", which belongs to " + (name.startsWith("java") ? "the JDK" : "wdf4j-api")
                    + ". A driver's classes must be in packages of its own: move it to one.");
        }
        for (String part : name.split("\\.", -1)) {
            if (part.isEmpty() || !Character.isJavaIdentifierStart(part.charAt(0))
                    || !part.chars().allMatch(Character::isJavaIdentifierPart)) {
                throw new DriverPackageException(where + ": the class " + className + " is in " + name
                        + ", which is not a valid Java package name; rename the package (each part a Java identifier)");
            }
        }
        return name;
    }

    /** The class names a service file lists, without comments and blanks. */
    private static List<String> providers(String file) {
        List<String> names = new ArrayList<>();
        for (String line : file.split("\n")) {
            int comment = line.indexOf('#');
            String name = (comment >= 0 ? line.substring(0, comment) : line).strip();
            if (!name.isEmpty() && !names.contains(name)) {
                names.add(name);
            }
        }
        return names;
    }

    /** The local JAR files the manifest's Class-Path names (relative to {@code jar}) that exist, as the loader finds them. */
    private static List<Path> classPath(Path jar, JarFile file) throws IOException {
        var manifest = file.getManifest();
        String value = manifest == null ? null : manifest.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
        if (value == null || value.isBlank()) {
            return List.of();
        }
        Set<Path> found = new LinkedHashSet<>();
        URI base = jar.toAbsolutePath().toUri();
        for (String part : value.strip().split("\\s+")) {
            try {
                URI uri = base.resolve(part);
                if ("file".equals(uri.getScheme())) {
                    Path path = Path.of(uri);
                    if (Files.isRegularFile(path)) {
                        found.add(path);
                    }
                }
            } catch (IllegalArgumentException notAPath) {
                // a Class-Path entry the loader cannot use either
            }
        }
        return List.copyOf(found);
    }

    private static String packageOf(String className) {
        int dot = className.lastIndexOf('.');
        return dot < 0 ? "" : className.substring(0, dot);
    }

    /** The finder of the one driver module, whose reader reads the driver's JAR through its loader. */
    private record OneModule(ModuleDescriptor descriptor, Path jar, DriverClassLoader loader) implements ModuleFinder {

        @Override
        public Optional<ModuleReference> find(String name) {
            return name.equals(descriptor.name()) ? Optional.of(reference()) : Optional.empty();
        }

        @Override
        public Set<ModuleReference> findAll() {
            return Set.of(reference());
        }

        private ModuleReference reference() {
            return new ModuleReference(descriptor, jar.toUri()) {
                @Override
                public ModuleReader open() {
                    return new Reader(jar, loader);
                }
            };
        }
    }

    /** The JAR's resources, as the driver's loader finds them; the names are those of the driver's own JAR. */
    private record Reader(Path jar, DriverClassLoader loader) implements ModuleReader {

        @Override
        public Optional<URI> find(String name) throws IOException {
            URL url = loader.findResource(name);
            try {
                return url == null ? Optional.empty() : Optional.of(url.toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IOException(e);
            }
        }

        @Override
        public Stream<String> list() throws IOException {
            try (JarFile file = new JarFile(jar.toFile())) {
                return file.stream().map(JarEntry::getName).toList().stream();
            } catch (UncheckedIOException e) {
                throw e.getCause();
            }
        }

        @Override
        public void close() {
        }
    }
}
