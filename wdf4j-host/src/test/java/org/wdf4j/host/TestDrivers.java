package org.wdf4j.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.wdf4j.framework.JournalEntry;

/** Where the test driver packages are, and helpers to read what they printed. */
final class TestDrivers {

    static final Path DIR = Path.of(System.getProperty("wdf4j.test.drivers", "target/drivers"));
    static final Path JAR = DIR.resolve("wdf4j-test-drivers.jar");
    static final Path HELLO = DIR.resolve("wdf4j-sample-hello.jar");
    /** The echo sample: PnP, hardware ID {@code ROOT\ECHO}. */
    static final Path ECHO = DIR.resolve("wdf4j-sample-echo.jar");
    /** The nonpnp sample: a control device named {@code NONPNP}. */
    static final Path NONPNP = DIR.resolve("wdf4j-sample-nonpnp.jar");
    /** The toaster samples: the function driver (the manifest's entry) and {@code ToasterFilter}. */
    static final Path TOASTER = DIR.resolve("wdf4j-sample-toaster.jar");
    static final Path TOASTER_BUS = DIR.resolve("wdf4j-sample-toasterbus.jar");
    /** The toastmon sample: hardware ID {@code ROOT\TOASTMON}; watches toasters through remote targets (ST9). */
    static final Path TOASTMON = DIR.resolve("wdf4j-sample-toastmon.jar");
    /** The hardware IDs {@code PnpTestDriver} binds to; each behaves as its javadoc says. */
    static final List<String> PNP_TEST_IDS = List.of("ROOT\\PNPTEST", "ROOT\\PNPFAILSTART", "ROOT\\PNPFAILADD",
            "ROOT\\PNPFAILWAKE", "ROOT\\PNPEXCLUSIVE", "ROOT\\PNPBUGCHECK", "ROOT\\PNPBADSDDL");

    private TestDrivers() {
    }

    /** The test driver whose entry class is {@code org.wdf4j.testdrivers.<simpleName>}, loaded under {@code name}. */
    static DriverPackage pkg(String simpleName, String name) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: run the tests through Maven, which builds and copies it");
        }
        try {
            return DriverPackage.of(JAR, "org.wdf4j.testdrivers." + simpleName, name, DriverPackage.FRAMEWORK_VERSION);
        } catch (DriverPackageException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code PnpTestDriver}, loaded under {@code name}, binding to {@link #PNP_TEST_IDS}. */
    static DriverPackage pnpTestDriver(String name) {
        try {
            return DriverPackage.of(JAR, "org.wdf4j.testdrivers.PnpTestDriver", name, DriverPackage.FRAMEWORK_VERSION,
                    PNP_TEST_IDS);
        } catch (DriverPackageException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A sample driver package by its manifest. */
    static DriverPackage sample(Path jar) {
        try {
            return DriverPackage.open(jar);
        } catch (DriverPackageException e) {
            throw new IllegalStateException(jar + ": run the tests through Maven, which builds and copies it", e);
        }
    }

    /** The DbgPrint lines of a report, in order, without their prefix. */
    static List<String> printed(UnloadReport report) {
        return report.callbacks().stream()
                .filter(line -> line.startsWith("DbgPrint: "))
                .map(line -> line.substring("DbgPrint: ".length()))
                .toList();
    }

    /** The DbgPrint lines of a journal, in order. */
    static List<String> printed(List<JournalEntry> journal) {
        return journal.stream().filter(e -> e.kind() == JournalEntry.Kind.DBG_PRINT).map(JournalEntry::detail).toList();
    }

    /** What the test tree's callbacks print when the whole tree is cleaned up and destroyed (see Tree.build). */
    static final List<String> TREE_CLEANUP_THEN_DESTROY = List.of(
            "cleanup b", "cleanup a2x", "cleanup a2", "cleanup a1", "cleanup a", "cleanup driver",
            "destroy b", "destroy a2x", "destroy a2", "destroy a1", "destroy a", "destroy driver");
}
