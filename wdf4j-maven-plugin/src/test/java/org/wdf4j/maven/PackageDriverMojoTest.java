package org.wdf4j.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.classfile.ClassFile;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.host.DriverHost;
import org.wdf4j.host.DriverPackage;
import org.wdf4j.host.DriverPackageException;
import org.wdf4j.host.HostingModel;

/**
 * wdf4j:package on JARs made here (class files written with java.lang.classfile, nothing compiled): a good driver gets
 * its manifest and passes; a bad one fails the build with the message the host's install gives for the same JAR.
 */
class PackageDriverMojoTest {

    private static final ClassDesc DRIVER_ENTRY = ClassDesc.of("org.wdf4j.driver.DriverEntry");

    @TempDir
    Path tmp;

    /** A class {@code name}: public, with a public constructor without arguments, implementing {@code interfaces}. */
    private static byte[] type(String name, List<ClassDesc> interfaces, ClassDesc parameterOfAMethod) {
        return ClassFile.of().build(ClassDesc.of(name), cb -> {
            cb.withFlags(AccessFlag.PUBLIC, AccessFlag.SUPER).withSuperclass(ConstantDescs.CD_Object)
                    .withInterfaceSymbols(interfaces);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC, b -> b.aload(0)
                    .invokespecial(ConstantDescs.CD_Object, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            if (parameterOfAMethod != null) {
                cb.withMethodBody("peek", MethodTypeDesc.of(ConstantDescs.CD_void, parameterOfAMethod),
                        ClassFile.ACC_PUBLIC | ClassFile.ACC_STATIC, b -> b.return_());
            }
        });
    }

    /** A JAR (no manifest: the mojo writes it) holding {@code classes} by class name. */
    private Path jar(String file, Map<String, byte[]> classes) throws IOException {
        Path jar = tmp.resolve(file);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jos = new JarOutputStream(out)) {
            for (var c : classes.entrySet()) {
                jos.putNextEntry(new JarEntry(c.getKey().replace('.', '/') + ".class"));
                jos.write(c.getValue());
                jos.closeEntry();
            }
        }
        return jar;
    }

    private static PackageDriverMojo mojo(Path jar, String entryClass) {
        PackageDriverMojo mojo = new PackageDriverMojo();
        mojo.jar = jar.toFile();
        mojo.entryClass = entryClass;
        mojo.driverName = "mydriver";
        return mojo;
    }

    /** What the host's install says of {@code jar} (with the manifest the mojo wrote). */
    private String installRefusal(Path jar) throws IOException {
        try (DriverHost host = DriverHost.create(tmp.resolve("state"))) {
            host.install(DriverPackage.open(jar), false);
            throw new AssertionError("install took " + jar);
        } catch (DriverPackageException e) {
            return e.getMessage();
        } catch (org.wdf4j.host.DriverStoreException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aGoodDriverGetsItsManifestAndPassesTheInstallCheck() throws Exception {
        Path jar = jar("good.jar", Map.of("com.example.good.GoodDriver",
                type("com.example.good.GoodDriver", List.of(DRIVER_ENTRY), null)));
        PackageDriverMojo mojo = mojo(jar, "com.example.good.GoodDriver");
        mojo.hardwareIds = List.of("ROOT\\GOOD", "ROOT\\GOOD2");
        mojo.hosting = "isolated";
        mojo.manifestEntries = new LinkedHashMap<>(Map.of("Wdf4j-Class", "Good"));
        mojo.execute();

        DriverPackage pkg = DriverPackage.open(jar);
        assertThat(pkg.entryClass()).isEqualTo("com.example.good.GoodDriver");
        assertThat(pkg.name()).isEqualTo("mydriver");
        assertThat(pkg.frameworkVersion()).isEqualTo(DriverPackage.FRAMEWORK_VERSION);
        assertThat(pkg.hardwareIds()).containsExactly("ROOT\\GOOD", "ROOT\\GOOD2");
        assertThat(pkg.hosting()).isEqualTo(HostingModel.ISOLATED);
        assertThat(pkg.setup().deviceClass()).isEqualTo("Good");
        mojo.execute(); // again on its own output: the manifest is replaced, not doubled
        assertThat(DriverPackage.open(jar).hardwareIds()).containsExactly("ROOT\\GOOD", "ROOT\\GOOD2");
    }

    @Test
    void anEntryClassThatDoesNotImplementDriverEntryFailsTheBuildWithTheInstallMessage() throws Exception {
        Path jar = jar("notentry.jar", Map.of("com.example.bad.NotADriver",
                type("com.example.bad.NotADriver", List.of(), null)));
        assertThatThrownBy(() -> mojo(jar, "com.example.bad.NotADriver").execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("could never start: it does not implement org.wdf4j.driver.DriverEntry")
                .hasMessage(installRefusal(jar));
    }

    @Test
    void aMissingEntryClassFailsTheBuild() throws Exception {
        Path jar = jar("missing.jar", Map.of("com.example.bad.Other",
                type("com.example.bad.Other", List.of(DRIVER_ENTRY), null)));
        assertThatThrownBy(() -> mojo(jar, "com.example.bad.Missing").execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("the entry class com.example.bad.Missing named by Wdf4j-Driver-Entry is not in the JAR")
                .hasMessage(installRefusal(jar));
    }

    @Test
    void h9_aReferenceToTheFrameworkIsRefusedAtBuildAndAtInstallNamingTheClassAndTheReference() throws Exception {
        Path jar = jar("peek.jar", Map.of("com.example.bad.PeekDriver", type("com.example.bad.PeekDriver",
                List.of(DRIVER_ENTRY), ClassDesc.of("org.wdf4j.framework.FxObject"))));
        assertThatThrownBy(() -> mojo(jar, "com.example.bad.PeekDriver").execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("com.example.bad.PeekDriver refers to org.wdf4j.framework.FxObject")
                .hasMessageContaining("Compile the driver against wdf4j-api alone")
                .hasMessage(installRefusal(jar));
    }

    @Test
    void aClassInTheUnnamedPackageFailsTheBuild() throws Exception {
        Path jar = jar("unnamed.jar", Map.of("com.example.ok.Driver", type("com.example.ok.Driver",
                List.of(DRIVER_ENTRY), null), "Helper", type("Helper", List.of(), null)));
        assertThatThrownBy(() -> mojo(jar, "com.example.ok.Driver").execute())
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("unnamed package")
                .hasMessage(installRefusal(jar));
    }

    @Test
    void aNewerFrameworkVersionFailsTheBuildWithTheVersionBindingRule() throws Exception {
        Path jar = jar("newer.jar", Map.of("com.example.ok.Driver", type("com.example.ok.Driver",
                List.of(DRIVER_ENTRY), null)));
        PackageDriverMojo mojo = mojo(jar, "com.example.ok.Driver");
        mojo.frameworkVersion = "1.9";
        assertThatThrownBy(mojo::execute)
                .isInstanceOf(MojoFailureException.class)
                .hasMessageContaining("was built for wdf4j framework 1.9, but this host is " + DriverPackage.FRAMEWORK_VERSION);
    }

    @Test
    void runArgumentsSplitAtSpacesOutsideQuotes() {
        assertThat(RunDriverMojo.words(" --mount-root /tmp/dev --exec 'cat \"$X\" && echo hi' ''"))
                .containsExactly("--mount-root", "/tmp/dev", "--exec", "cat \"$X\" && echo hi", "");
    }
}
