package org.wdf4j.host;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.NameAndTypeEntry;
import java.lang.classfile.constantpool.PoolEntry;
import java.lang.classfile.attribute.InnerClassInfo;
import java.lang.classfile.attribute.InnerClassesAttribute;
import java.lang.constant.ConstantDescs;
import java.lang.reflect.AccessFlag;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipException;
import org.wdf4j.driver.DriverEntry;

/**
 * What install checks of a driver package's JAR, without running any of its code: that every entry reads back whole
 * (its CRC), and that the host could start its entry class, as told by the class file ({@code java.lang.classfile}):
 * a public, concrete class that implements {@code org.wdf4j.driver.DriverEntry} (directly, or through its superclasses
 * and interfaces in the JAR) and has a public constructor without arguments; and that its classes can be the
 * driver's module ({@link DriverModule}); and that its classes refer to no class of wdf4j outside the API's packages
 * ({@link ApiOnlyClassLoader#API_PACKAGES}), which a driver cannot see (the framework's, the host's, the API's
 * {@code org.wdf4j.spi}): such a reference would be a {@code NoClassDefFoundError} at run time.
 *
 * <p>The {@code wdf4j-maven-plugin} runs the same check when it packages a driver, so a build fails with the message
 * an install would give.
 *
 * <p>A supertype outside the JAR that is not the JDK's or the API's (a library on the manifest's Class-Path) cannot be
 * read here: the check then gives the package the benefit of the doubt, and the start tells.
 */
final class DriverPackageCheck {

    private static final String DRIVER_ENTRY = DriverEntry.class.getName().replace('.', '/');

    private DriverPackageCheck() {
    }

    /** Checks the package's JAR; the error names the JAR, what is wrong and what to do. */
    static void check(DriverPackage pkg) throws DriverPackageException {
        try (JarFile jar = new JarFile(pkg.jar().toFile())) {
            checkEntries(pkg, jar);
            checkEntryClass(pkg, jar);
            checkReferences(pkg, jar);
        } catch (IOException e) {
            throw new DriverPackageException(pkg.jar() + " is not a JAR file (" + e.getMessage() + ")", e);
        }
        DriverModule.contents(pkg); // what its module cannot hold (the unnamed package, a JDK or API package): refused now

    }

    /** At most this many references outside the API are named in the refusal. */
    private static final int REFERENCES_NAMED = 5;
    private static final Pattern DESCRIPTOR_TYPE = Pattern.compile("L([^;<]+)[;<]");

    /** Refuses a JAR whose classes refer to a class of wdf4j that a driver does not see; the error names each. */
    private static void checkReferences(DriverPackage pkg, JarFile jar) throws DriverPackageException, IOException {
        List<JarEntry> classes = jar.stream().filter(e -> e.getName().endsWith(".class") && !e.isDirectory()
                && !e.getName().startsWith("META-INF/")).toList();
        Set<String> own = new HashSet<>();
        classes.forEach(e -> own.add(packageOf(e.getName().substring(0, e.getName().length() - ".class".length()))));
        Set<String> refused = new TreeSet<>();
        for (JarEntry entry : classes) {
            String name = entry.getName().substring(0, entry.getName().length() - ".class".length());
            ClassModel model = read(jar, name).orElseThrow();
            Set<String> types = new HashSet<>();
            for (PoolEntry constant : model.constantPool()) {
                switch (constant) {
                    case ClassEntry c -> descriptorTypes("L" + c.asInternalName() + ";", types);
                    case NameAndTypeEntry nt -> descriptorTypes(nt.type().stringValue(), types);
                    case MethodTypeEntry mt -> descriptorTypes(mt.descriptor().stringValue(), types);
                    default -> { }
                }
            }
            model.fields().forEach(f -> descriptorTypes(f.fieldType().stringValue(), types));
            model.methods().forEach(m -> descriptorTypes(m.methodType().stringValue(), types));
            for (String type : types) {
                String pack = packageOf(type);
                if (pack.startsWith("org.wdf4j.") || pack.equals("org.wdf4j")) {
                    if (!ApiOnlyClassLoader.API_PACKAGES.contains(pack) && !own.contains(pack)) {
                        refused.add(name.replace('/', '.') + " refers to " + type.replace('/', '.'));
                    }
                }
            }
        }
        if (!refused.isEmpty()) {
            List<String> named = refused.stream().limit(REFERENCES_NAMED).toList();
            throw new DriverPackageException(pkg.jar() + ": the driver uses classes of wdf4j that a driver cannot see: "
                    + String.join("; ", named) + (refused.size() > named.size() ? " (and " + (refused.size()
                    - named.size()) + " more)" : "") + ". A driver sees the JDK, its own classes and the packages of "
                    + "wdf4j-api (" + String.join(", ", new TreeSet<>(ApiOnlyClassLoader.API_PACKAGES)) + "), not the "
                    + "framework's, the host's or org.wdf4j.spi; at run time these would be NoClassDefFoundError. "
                    + "Compile the driver against wdf4j-api alone (scope provided) and use its types.");
        }
    }

    private static void descriptorTypes(String descriptor, Set<String> into) {
        Matcher m = DESCRIPTOR_TYPE.matcher(descriptor);
        while (m.find()) {
            into.add(m.group(1));
        }
    }

    /** The package of an internal name ({@code a/b/C}), with dots; empty for the unnamed package. */
    private static String packageOf(String internalName) {
        int slash = internalName.lastIndexOf('/');
        return slash < 0 ? "" : internalName.substring(0, slash).replace('/', '.');
    }

    /** Reads every entry to its end and checks its CRC (the JDK's ZipFile reads without checking it). */
    private static void checkEntries(DriverPackage pkg, JarFile jar) throws DriverPackageException, IOException {
        for (JarEntry entry : jar.stream().toList()) {
            CRC32 crc = new CRC32();
            long size;
            try (InputStream in = new CheckedInputStream(jar.getInputStream(entry), crc)) {
                size = in.transferTo(OutputStream.nullOutputStream());
            } catch (ZipException | SecurityException e) {
                throw damaged(pkg, entry, e.getMessage(), e);
            }
            if (entry.getCrc() != -1 && entry.getCrc() != crc.getValue()) {
                throw damaged(pkg, entry, String.format("its CRC is %08x, the JAR says %08x", crc.getValue(),
                        entry.getCrc()), null);
            }
            if (entry.getSize() != -1 && entry.getSize() != size) {
                throw damaged(pkg, entry, size + " bytes, the JAR says " + entry.getSize(), null);
            }
        }
    }

    private static DriverPackageException damaged(DriverPackage pkg, JarEntry entry, String why, Exception cause) {
        return new DriverPackageException(pkg.jar() + " is damaged: its entry " + entry.getName() + " does not read "
                + "back as it was written (" + why + "). Build or download the package again.", cause);
    }

    private static void checkEntryClass(DriverPackage pkg, JarFile jar) throws DriverPackageException, IOException {
        String entry = pkg.entryClass().replace('.', '/');
        ClassModel model = read(jar, entry).orElseThrow(() -> new DriverPackageException(pkg.jar() + ": the entry "
                + "class " + pkg.entryClass() + " named by " + DriverPackage.ENTRY_ATTRIBUTE + " is not in the JAR (no "
                + entry + ".class)"));
        String problem = problem(model, entry, jar);
        if (problem != null) {
            throw new DriverPackageException(pkg.jar() + ": the entry class " + pkg.entryClass() + " named by "
                    + DriverPackage.ENTRY_ATTRIBUTE + " could never start: " + problem + ". The host creates it with "
                    + "its public constructor without arguments and calls its driverEntry, so it must be a public, "
                    + "concrete class that implements org.wdf4j.driver.DriverEntry and has a public constructor "
                    + "without arguments.");
        }
    }

    /** Why the entry class could not start, or null when it could. */
    private static String problem(ClassModel model, String entry, JarFile jar) throws DriverPackageException,
            IOException {
        Set<AccessFlag> flags = model.flags().flags();
        if (flags.contains(AccessFlag.INTERFACE) || flags.contains(AccessFlag.ANNOTATION)) {
            return "it is an interface";
        }
        if (!implementsDriverEntry(model, jar)) {
            return "it does not implement org.wdf4j.driver.DriverEntry";
        }
        if (flags.contains(AccessFlag.ABSTRACT)) {
            return "it is abstract";
        }
        if (!flags.contains(AccessFlag.PUBLIC) || !declaredPublic(model, entry)) {
            return "it is not public";
        }
        boolean constructor = model.methods().stream().anyMatch(m -> m.methodName().equalsString(ConstantDescs.INIT_NAME)
                && m.methodType().equalsString("()V") && m.flags().has(AccessFlag.PUBLIC));
        return constructor ? null : "it has no public constructor without arguments";
    }

    /** A nested class is public only when its InnerClasses entry says so (its class file's flags do not tell). */
    private static boolean declaredPublic(ClassModel model, String entry) {
        return model.findAttribute(java.lang.classfile.Attributes.innerClasses()).map(InnerClassesAttribute::classes)
                .orElse(List.of()).stream()
                .filter(info -> info.innerClass().asInternalName().equals(entry))
                .map(InnerClassInfo::flags)
                .allMatch(f -> f.contains(AccessFlag.PUBLIC) && f.contains(AccessFlag.STATIC));
    }

    /** Whether DriverEntry is among the class's supertypes; true as well when one of them cannot be read. */
    private static boolean implementsDriverEntry(ClassModel model, JarFile jar) throws DriverPackageException,
            IOException {
        Deque<String> toVisit = new ArrayDeque<>();
        Set<String> seen = new HashSet<>();
        supertypes(model, toVisit);
        while (!toVisit.isEmpty()) {
            String type = toVisit.pop();
            if (!seen.add(type)) {
                continue;
            }
            if (type.equals(DRIVER_ENTRY)) {
                return true;
            }
            Optional<ClassModel> inJar = read(jar, type);
            if (inJar.isPresent()) {
                supertypes(inJar.get(), toVisit);
            } else if (!known(type)) {
                return true; // not in the JAR, nor the JDK's or the API's: a library's, which the start will load
            }
        }
        return false;
    }

    private static void supertypes(ClassModel model, Deque<String> into) {
        model.superclass().ifPresent(s -> into.push(s.asInternalName()));
        model.interfaces().forEach(i -> into.push(i.asInternalName()));
    }

    /** A type of the JDK or of the API, which does not implement DriverEntry (that interface itself aside). */
    private static boolean known(String type) {
        return type.startsWith("org/wdf4j/") || ClassLoader.getPlatformClassLoader().getResource(type + ".class") != null;
    }

    private static Optional<ClassModel> read(JarFile jar, String internalName) throws DriverPackageException,
            IOException {
        JarEntry entry = jar.getJarEntry(internalName + ".class");
        if (entry == null) {
            return Optional.empty();
        }
        byte[] bytes;
        try (InputStream in = jar.getInputStream(entry)) {
            bytes = in.readAllBytes();
        }
        try {
            return Optional.of(ClassFile.of().parse(bytes));
        } catch (IllegalArgumentException e) {
            throw new DriverPackageException(jar.getName() + ": " + entry.getName() + " is not a valid class file ("
                    + e.getMessage() + ")", e);
        }
    }
}
