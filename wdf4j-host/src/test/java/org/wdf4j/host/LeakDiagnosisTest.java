package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.security.Security;
import java.util.logging.Handler;
import java.util.logging.Logger;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * U2 / U6 step 6 (issue #3): when a driver's class loader is not collected, the report says what holds it, in
 * words, with the shortest path from a GC root found in a heap dump. One test driver per cause; each leaks on
 * purpose and stays leaked for the rest of this JVM (the tests release what they can afterwards).
 */
class LeakDiagnosisTest {

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private UnloadReport leak(String driverClass, String name) throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg(driverClass, name)));
        assertThat(report.classLoaderCollected()).isFalse();
        assertThat(report.clean()).isFalse();
        assertThat(report.gcRootPath()).as("the path from a GC root").isNotNull().endsWith("wdf4j-driver:" + name + " loader");
        assertThat(report.leaks()).anySatisfy(leak -> {
            assertThat(leak.kind()).isEqualTo("class loader");
            assertThat(leak.description()).startsWith("the driver's class loader is still reachable: ");
        });
        assertThat(report.render()).contains("Held by: " + report.gcRootPath());
        assertThat(report.toJson()).contains("\"gcRootPath\":\"");
        return report;
    }

    private static UnloadReport.Leak leakOfKind(UnloadReport report, String kind) {
        return report.leaks().stream().filter(l -> l.kind().equals(kind)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " leak in\n" + report.render()));
    }

    // A clean driver: the loader is collected, no diagnosis runs, the path is null.
    @Test
    void cleanDriverIsCleanWithoutAGcRootPath() throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("CleanDriver", "diag-clean")));
        assertThat(report.clean()).isTrue();
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(report.gcRootPath()).isNull();
        assertThat(report.leaks()).isEmpty();
        assertThat(report.toJson()).contains("\"gcRootPath\":null");
    }

    // U6 (step 6): a driver whose records' equals, hashCode and toString ran left its class loader reachable through
    // a soft cache of the JDK's (MethodHandle.asTypeSoftCache on java.lang.runtime.ObjectMethods' shared handles)
    // until memory ran short: the toaster bus sample's report said "Class loader collected: NO" with no strong path.
    // The host's JVMs clear unused soft references at every collection (JvmFlags.UNLOAD_PROOF; this test JVM too).
    @Test
    void u6_aDriverWhoseRecordsEqualsHashCodeAndToStringRanIsCollected() throws Exception {
        assertThat(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments())
                .as("the test JVM runs with JvmFlags.UNLOAD_PROOF (wdf4j-host/pom.xml's argLine)")
                .containsAll(JvmFlags.UNLOAD_PROOF);
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("RecordDriver", "diag-record")));
        assertThat(report.clean()).as("%s", report.render()).isTrue();
        assertThat(report.classLoaderCollected()).isTrue();
    }

    // 1. A thread the driver started and left running: its name, where it is now and WHERE IT WAS STARTED (JFR).
    @Test
    void threadLeftRunningIsReportedWithWhereItWasStarted() throws Exception {
        System.clearProperty("wdf4j.test.ThreadLeakingDriver.release");
        try {
            UnloadReport report = leak("ThreadLeakingDriver", "diag-thread");
            UnloadReport.Leak thread = leakOfKind(report, "thread");
            assertThat(thread.description()).contains("\"poller-1\"", "it is now at:", "Drivers.parkUntil");
            assertThat(thread.allocatedAt()).startsWith("started by thread \"wdf4j-diag-thread-passive")
                    .contains("at org.wdf4j.testdrivers.ThreadLeakingDriver.driverEntry(line ");
            assertThat(report.gcRootPath()).startsWith("thread \"poller-1\"");
            assertThat(leakOfKind(report, "class loader").description()).contains("the thread \"poller-1\" above holds it");
            assertThat(report.render()).contains("allocated at:", "ThreadLeakingDriver.driverEntry");
        } finally {
            System.setProperty("wdf4j.test.ThreadLeakingDriver.release", "yes");
        }
    }

    // 2. A ThreadLocal on a JDK pool thread (context loader: the system's, so not recognisable as the driver's)
    // holding an instance of a driver class; the report names the thread, the value, and where the thread started.
    @Test
    void threadLocalOnAPoolThreadIsReportedWithTheThreadAndTheValue() throws Exception {
        UnloadReport report = leak("ThreadLocalLeakDriver", "diag-threadlocal");
        UnloadReport.Leak leak = leakOfKind(report, "thread-local");
        assertThat(leak.description()).containsPattern("a ThreadLocal on thread \"ForkJoinPool-\\d+-worker-\\d+\"")
                .contains("holds an instance of org.wdf4j.testdrivers.ThreadLocalLeakDriver$Session");
        assertThat(leak.allocatedAt()).contains("org.wdf4j.testdrivers.ThreadLocalLeakDriver.driverEntry");
        assertThat(report.gcRootPath()).contains("java.lang.Thread.threadLocals", "java.lang.ThreadLocal$ThreadLocalMap",
                "org.wdf4j.testdrivers.ThreadLocalLeakDriver$Session");
        assertThat(report.leaks()).noneMatch(l -> l.kind().equals("thread"));
    }

    // 3a. A shutdown hook (Runtime.addShutdownHook): no API lists them; the heap path does.
    @Test
    void shutdownHookIsReportedWithItsThread() throws Exception {
        UnloadReport report = leak("ShutdownHookLeakDriver", "diag-hook");
        UnloadReport.Leak leak = leakOfKind(report, "shutdown hook");
        assertThat(leak.description()).contains("Runtime.addShutdownHook", "thread \"leaky-flush-hook\"",
                "Runtime.removeShutdownHook");
        assertThat(report.gcRootPath()).contains("java.lang.ApplicationShutdownHooks.hooks");
    }

    // 3b. A JDBC driver left in java.sql.DriverManager.
    @Test
    void jdbcDriverIsReported() throws Exception {
        UnloadReport report = leak("JdbcDriverLeakDriver", "diag-jdbc");
        UnloadReport.Leak leak = leakOfKind(report, "jdbc driver");
        assertThat(leak.description()).contains("org.wdf4j.testdrivers.JdbcDriverLeakDriver$DeviceLogJdbc",
                "DriverManager.deregisterDriver");
        assertThat(report.gcRootPath()).contains("java.sql.DriverManager.registeredDrivers");
    }

    // 3c. An MBean left in the platform MBean server, named.
    @Test
    void mbeanIsReportedByName() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("org.wdf4j.test:type=DeviceCounters,driver=MBeanLeakDriver");
        try {
            UnloadReport report = leak("MBeanLeakDriver", "diag-mbean");
            UnloadReport.Leak leak = leakOfKind(report, "mbean");
            assertThat(leak.description()).contains("MBean " + name, "unregister it");
            assertThat(report.gcRootPath()).contains("com.sun.jmx.", "org.wdf4j.testdrivers.MBeanLeakDriver$DeviceCounters");
        } finally {
            if (server.isRegistered(name)) {
                server.unregisterMBean(name);
            }
        }
    }

    // 3d. A java.util.logging handler left on the root logger.
    @Test
    void loggingHandlerIsReportedWithItsLogger() throws Exception {
        try {
            UnloadReport report = leak("LoggingHandlerLeakDriver", "diag-logging");
            UnloadReport.Leak leak = leakOfKind(report, "logging handler");
            assertThat(leak.description()).contains("LoggingHandlerLeakDriver$DeviceEventLogHandler", "root logger",
                    "Logger.removeHandler");
            assertThat(report.gcRootPath()).contains("java.util.logging.Logger", "handlers",
                    "LoggingHandlerLeakDriver$DeviceEventLogHandler");
        } finally {
            Logger root = Logger.getLogger("");
            for (Handler h : root.getHandlers()) {
                if (h.getClass().getName().startsWith("org.wdf4j.testdrivers.")) {
                    root.removeHandler(h);
                }
            }
        }
    }

    // 3e. A security provider left installed.
    @Test
    void securityProviderIsReportedByName() throws Exception {
        try {
            UnloadReport report = leak("SecurityProviderLeakDriver", "diag-security");
            UnloadReport.Leak leak = leakOfKind(report, "security provider");
            assertThat(leak.description()).contains("\"Wdf4jLeakyDeviceCrypto\"", "SecurityProviderLeakDriver$DeviceCrypto",
                    "Security.removeProvider(\"Wdf4jLeakyDeviceCrypto\")");
            assertThat(report.gcRootPath()).contains("SecurityProviderLeakDriver$DeviceCrypto");
        } finally {
            Security.removeProvider("Wdf4jLeakyDeviceCrypto");
        }
    }

    // 3f. The JVM's default uncaught-exception handler left set to the driver's.
    @Test
    void defaultUncaughtExceptionHandlerIsReported() throws Exception {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        try {
            UnloadReport report = leak("UncaughtHandlerLeakDriver", "diag-uncaught");
            UnloadReport.Leak leak = leakOfKind(report, "uncaught-exception handler");
            assertThat(leak.description()).contains("UncaughtHandlerLeakDriver$CrashLogger",
                    "Thread.setDefaultUncaughtExceptionHandler");
            assertThat(report.gcRootPath()).contains("java.lang.Thread.defaultUncaughtExceptionHandler");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }

    // 4. An object of the driver in a JDK static no registry API covers: only the GC root path explains it.
    @Test
    void staticHolderIsExplainedByTheGcRootPathOnly() throws Exception {
        String key = "wdf4j.test.StaticHolderLeakDriver.settings";
        try {
            UnloadReport report = leak("StaticHolderLeakDriver", "diag-static");
            assertThat(report.leaks()).extracting(UnloadReport.Leak::kind).containsExactly("class loader");
            assertThat(report.gcRootPath()).startsWith("java.lang.System.class -> java.lang.System.props")
                    .contains("org.wdf4j.testdrivers.StaticHolderLeakDriver$DeviceSettings",
                            "org.wdf4j.testdrivers.StaticHolderLeakDriver$DeviceSettings.class");
            assertThat(leakOfKind(report, "class loader").description())
                    .contains("an object outside the driver (java.lang.System.class) references it",
                            "shortest path from a GC root: " + report.gcRootPath());
        } finally {
            System.getProperties().remove(key);
        }
    }
}
