package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.AccessFlag;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * H9, a driver's own module ({@link DriverModule}): what it holds, what it shows other modules, and the JARs a module
 * cannot be made of, refused with the class named. Proven here on the class path, where the test's own code is an
 * unnamed module like the host's here; {@code ModuleBoundaryTest} proves the same boundary against another driver on
 * the real command, on the module path.
 */
class DriverModuleTest {

    // H9: every class of the driver's JAR is in its module, defined to its loader; the module exports its entry class's
    // package to the host's module alone and opens nothing, so another module (here the test's unnamed one, as
    // another driver's would be) can neither setAccessible nor look privately into it; native access only when asked.
    @Test
    void h9_aDriversClassesAreANamedModuleOfItsOwnThatOpensNothing() throws Exception {
        for (boolean nativeAccess : new boolean[] {false, true}) {
            DriverPackage pkg = DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.CleanDriver",
                    "mod-" + nativeAccess, DriverPackage.FRAMEWORK_VERSION);
            try (DriverClassLoader loader = DriverClassLoader.open(pkg, true, nativeAccess)) {
                Module module = loader.module();
                assertThat(module.isNamed()).isTrue();
                assertThat(module.getName()).isEqualTo("wdf4j.driver.mod_" + nativeAccess);
                assertThat(module.getClassLoader()).isSameAs(loader);
                assertThat(module.getLayer()).isNotNull().isNotSameAs(ModuleLayer.boot());
                assertThat(module.getDescriptor().isOpen()).isFalse();
                assertThat(module.getDescriptor().exports()).isEmpty();
                assertThat(module.getDescriptor().opens()).isEmpty();
                Class<?> entry = loader.loadClass(pkg.entryClass());
                Class<?> helper = loader.loadClass("org.wdf4j.testdrivers.Drivers");
                assertThat(entry.getModule()).isSameAs(module);
                assertThat(helper.getModule()).isSameAs(module);
                Module outsider = getClass().getModule();
                assertThat(module.isExported("org.wdf4j.testdrivers", DriverModule.class.getModule())).isTrue();
                assertThat(module.isExported("org.wdf4j.testdrivers")).as("to everyone").isFalse();
                assertThat(module.isOpen("org.wdf4j.testdrivers", outsider)).isFalse();
                assertThat(module.canRead(org.wdf4j.driver.DriverEntry.class.getModule())).isTrue();
                assertThat(module.canRead(java.sql.Connection.class.getModule())).as("the JDK's modules").isTrue();
                // Declared, not added by the layer's controller: added reads stay in a JDK-wide weak map after the
                // driver is gone, until a full collection, and its table never shrinks (LongLivedHostTest).
                assertThat(module.getDescriptor().requires()).extracting(ModuleDescriptor.Requires::name)
                        .contains("java.base", "java.sql", "jdk.jfr");
                assertThat(module.isNativeAccessEnabled()).isEqualTo(nativeAccess);
                // The host's module is where the test code is on the class path, so the export reaches it: the
                // entry class is made as DriverHost makes it.
                assertThat(DriverHost.instantiate(pkg, loader)).isNotNull();
            }
        }
    }

    // H9: a driver JAR a named module cannot hold is refused when it is loaded, with the class, the package and what to
    // do: a class in the unnamed package, one in a package of the API, one in a package of the JDK.
    @Test
    void h9_aJarWhoseClassesAModuleCannotHoldIsRefusedWithTheClassNamed(@TempDir Path tmp) throws Exception {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("Loose", "the class Loose is in the unnamed package");
        refusals.put("org.wdf4j.io.Sneaky", "the class org.wdf4j.io.Sneaky is in the package org.wdf4j.io, which belongs to wdf4j-api");
        refusals.put("java.util.Sneaky", "is in the package java.util, which belongs to the JDK");
        for (Map.Entry<String, String> refusal : refusals.entrySet()) {
            Path jar = jar(tmp.resolve(refusal.getKey() + ".jar"), Map.of(), "com.example.Good", refusal.getKey());
            DriverPackage pkg = DriverPackage.of(jar, "com.example.Good", "bad", DriverPackage.FRAMEWORK_VERSION);
            assertThatThrownBy(() -> DriverClassLoader.open(pkg, true, false)).as(refusal.getKey())
                    .isInstanceOf(DriverPackageException.class)
                    .hasMessageContaining(jar.toString())
                    .hasMessageContaining(refusal.getValue())
                    .hasMessageContaining("package");
            // Install refuses it too, before the store keeps it.
            assertThatThrownBy(() -> DriverPackageCheck.check(pkg)).as("install: " + refusal.getKey())
                    .isInstanceOf(DriverPackageException.class)
                    .hasMessageContaining(refusal.getValue());
        }
    }

    // H9: the services a driver's JAR lists are declared by its module (uses and provides, the providers that are its
    // own), so its own ServiceLoader lookups work as they did; a service file that names classes outside the JAR or no
    // valid type is left out rather than refused.
    @Test
    void h9_theServicesAJarListsAreItsModulesUsesAndProvides(@TempDir Path tmp) throws Exception {
        Path jar = jar(tmp.resolve("services.jar"), Map.of(
                        "META-INF/services/com.example.Codec", "# comment\ncom.example.Gzip\n\ncom.other.Missing\n",
                        "META-INF/services/not a type", "com.example.Gzip\n"),
                "com.example.Good", "com.example.Gzip");
        DriverPackage pkg = DriverPackage.of(jar, "com.example.Good", "services", DriverPackage.FRAMEWORK_VERSION);
        try (DriverClassLoader loader = DriverClassLoader.open(pkg, true, false)) {
            ModuleDescriptor descriptor = loader.module().getDescriptor();
            assertThat(descriptor.uses()).containsExactly("com.example.Codec");
            assertThat(descriptor.provides()).singleElement().satisfies(p -> {
                assertThat(p.service()).isEqualTo("com.example.Codec");
                assertThat(p.providers()).containsExactly("com.example.Gzip");
            });
            assertThat(descriptor.packages()).containsExactly("com.example");
        }
    }

    // H9: a driver's name becomes a valid module name whatever it is: characters a Java identifier cannot hold become
    // '_', a leading digit gets one before it, and a keyword or literal one after it.
    @Test
    void h9_aDriversModuleNameIsValidForEveryDriverName() {
        assertThat(DriverModule.moduleName("echo")).isEqualTo("wdf4j.driver.echo");
        assertThat(DriverModule.moduleName("my-driver.v2")).isEqualTo("wdf4j.driver.my_driver_v2");
        assertThat(DriverModule.moduleName("9lives")).isEqualTo("wdf4j.driver._9lives");
        assertThat(DriverModule.moduleName("null")).isEqualTo("wdf4j.driver.null_");
        assertThat(DriverModule.moduleName("class")).isEqualTo("wdf4j.driver.class_");
        assertThat(DriverModule.moduleName("caf\u00e9")).isEqualTo("wdf4j.driver.caf_");
    }

    /** A driver JAR with an empty public class for each name, the entry named in its manifest, and other files. */
    private static Path jar(Path path, Map<String, String> files, String entry, String... classes) throws IOException {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue(DriverPackage.ENTRY_ATTRIBUTE, entry);
        try (OutputStream file = Files.newOutputStream(path); JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (String name : java.util.stream.Stream.concat(java.util.stream.Stream.of(entry),
                    java.util.Arrays.stream(classes)).distinct().toList()) {
                out.putNextEntry(new JarEntry(name.replace('.', '/') + ".class"));
                boolean isEntry = name.equals(entry);
                out.write(ClassFile.of().build(ClassDesc.of(name), cb -> {
                    cb.withFlags(AccessFlag.PUBLIC).withSuperclass(ConstantDescs.CD_Object);
                    if (isEntry) { // what install's check reads: implements DriverEntry, a public constructor
                        cb.withInterfaceSymbols(ClassDesc.of(org.wdf4j.driver.DriverEntry.class.getName()));
                        cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                                code -> code.aload(0).invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME,
                                        ConstantDescs.MTD_void).return_());
                    }
                }));
                out.closeEntry();
            }
            for (Map.Entry<String, String> f : files.entrySet()) {
                out.putNextEntry(new JarEntry(f.getKey()));
                out.write(f.getValue().getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return path;
    }
}
