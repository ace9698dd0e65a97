package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.Finding;
import org.wdf4j.framework.FxDriverState;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;

/**
 * H9: an in-process driver cannot end the host with {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt},
 * directly, by reflection, by a method handle or a method reference, nor use {@code sun.misc.Unsafe} memory access.
 * Each attack is refused as a bug check that stops only that driver; the hello sample, loaded beside it, goes on and
 * unloads clean. That the test JVM is still running proves the host survived; {@link #h9_wdf4jRunExitsWithThreeNotWithTheDriversStatus}
 * proves it for the real {@code wdf4j run} process too.
 */
class ProcessExitGuardTest {

    private static final String REFUSED = " refused: a driver cannot end the host; run untrusted drivers isolated";
    private static final String EXIT_ON_READ = "ROOT\\EXITONREAD";
    private static final java.util.UUID GUID_EXITONREAD = java.util.UUID.fromString("0b0e4f6c-5a7d-4c55-9f43-3b6d2a1e9c07");

    private final DriverHost host = DriverHost.create();
    private HostedDriver hello;

    @BeforeEach
    void startABystander() throws DriverPackageException {
        hello = host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on());
        assertThat(hello.isRunning()).isTrue();
    }

    @AfterEach
    void theBystanderStillUnloadsClean() {
        try {
            assertThat(hello.isRunning()).as("the driver loaded beside the attacker still runs").isTrue();
            UnloadReport report = host.stop(hello);
            assertThat(report.clean()).as(report.render()).isTrue();
        } finally {
            host.close();
        }
    }

    // H9: System.exit in DriverEntry is refused as a bug check (WDF4J_HOST_CALL_REFUSED) naming the call and its status:
    // DriverEntry fails, EvtDriverUnload is not called, the driver's tree is cleaned up and its loader collected.
    @Test
    void h9_systemExitInDriverEntryIsRefused() {
        UnloadReport report = startAndAwaitReport("ExitInEntryDriver", "exit");
        assertRefusedWithoutUnload(report, "System.exit(3)");
        assertThat(report.driverEntrySucceeded()).isFalse();
        assertThat(report.driverEntryException()).contains("org.wdf4j.WdfBugCheck", "System.exit(3)" + REFUSED,
                "at org.wdf4j.HostGuard.systemExit", "ExitInEntryDriver.driverEntry");
        assertThat(TestDrivers.printed(report)).containsSubsequence(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
        assertThat(report.render()).contains("EvtDriverUnload called: no",
                "Stopped by bug check:   WDF_VIOLATION (0x10D) WDF4J_HOST_CALL_REFUSED (0x1000) in driver exit: System.exit(3)"
                        + REFUSED, "Verdict: NOT clean");
        assertThat(report.findings()).anySatisfy(f -> {
            assertThat(f.kind()).isEqualTo(Finding.Kind.BUG_CHECK);
            assertThat(f.rule()).isEqualTo("WDF4J_HOST_CALL_REFUSED");
            assertThat(f.stack()).contains("ExitInEntryDriver.driverEntry");
        });
    }

    // H9: Runtime.halt, which would end the JVM without even its shutdown hooks, is refused the same way.
    @Test
    void h9_runtimeHaltInDriverEntryIsRefused() {
        UnloadReport report = startAndAwaitReport("HaltInEntryDriver", "halt");
        assertRefusedWithoutUnload(report, "Runtime.halt(4)");
        assertThat(TestDrivers.printed(report)).containsSubsequence(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
    }

    // H9: Runtime.exit in EvtDriverUnload is refused; the unload goes on to the end (cleanup, destroy, collection) and
    // the report names the call.
    @Test
    void h9_runtimeExitInEvtDriverUnloadIsRefusedAndTheUnloadCompletes() throws DriverPackageException {
        HostedDriver hosted = host.start(TestDrivers.pkg("RuntimeExitInUnloadDriver", "unloadexit"), VerifierSettings.on());
        assertThat(hosted.isRunning()).isTrue();
        UnloadReport report = host.stop(hosted);
        assertThat(report.evtDriverUnloadCalled()).isTrue();
        assertThat(report.failure()).contains("WDF4J_HOST_CALL_REFUSED", "Runtime.exit(5)" + REFUSED);
        assertThat(TestDrivers.printed(report)).first().isEqualTo("EvtDriverUnload: exiting");
        assertThat(TestDrivers.printed(report)).containsSubsequence(TestDrivers.TREE_CLEANUP_THEN_DESTROY)
                .noneMatch(line -> line.contains("MUST NOT RUN"));
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(report.clean()).isFalse();
    }

    // H9: System.exit reached through Method.invoke is refused, while the driver's reflection on its own
    // package-private method works as before (the driver, not the guard, is still the caller the JDK checks).
    @Test
    void h9_systemExitThroughMethodInvokeIsRefused() {
        UnloadReport report = startAndAwaitReport("ExitByReflectionDriver", "reflect");
        assertRefusedWithoutUnload(report, "System.exit(6) through Method.invoke");
        assertThat(TestDrivers.printed(report)).contains("reflection on its own method: hello reflection");
    }

    // H9: a method handle to Runtime.halt is refused when it is looked up; a handle to the driver's own private method
    // works as before.
    @Test
    void h9_aMethodHandleToRuntimeHaltIsRefused() {
        UnloadReport report = startAndAwaitReport("ExitByMethodHandleDriver", "handle");
        assertRefusedWithoutUnload(report, "a method handle to Runtime.halt(int) (MethodHandles.Lookup.findVirtual)");
        assertThat(TestDrivers.printed(report)).contains("method handle to its own method: 42");
    }

    // H9: the method reference System::exit is made as before and refused when it is called (here by a JDK class,
    // IntStream.forEach), and the refusal is still charged to the driver.
    @Test
    void h9_systemExitThroughAMethodReferenceIsRefusedWhenCalled() {
        UnloadReport report = startAndAwaitReport("ExitByMethodRefDriver", "methodref");
        assertRefusedWithoutUnload(report, "System.exit(8)");
        assertThat(TestDrivers.printed(report)).contains("made the method reference true");
    }

    // H9: a driver that catches each refusal and carries on is still failed and stopped: the first bug check fails it,
    // and every refused call is in the findings.
    @Test
    void h9_aDriverThatCatchesTheRefusalIsStillStopped() {
        UnloadReport report = startAndAwaitReport("CatchingExitDriver", "catcher");
        assertRefusedWithoutUnload(report, "System.exit(10)");
        assertThat(report.driverEntrySucceeded()).as("it returned STATUS_SUCCESS, but it was bug-checked").isFalse();
        assertThat(TestDrivers.printed(report)).containsSubsequence("caught WdfBugCheck", "caught WdfBugCheck",
                "caught WdfBugCheck", "carrying on");
        assertThat(report.findings()).filteredOn(f -> f.kind() == Finding.Kind.BUG_CHECK).extracting(Finding::message)
                .containsExactly("System.exit(10)" + REFUSED, "Runtime.exit(11)" + REFUSED, "Runtime.halt(12)" + REFUSED);
        assertThat(TestDrivers.printed(report)).containsSubsequence(TestDrivers.TREE_CLEANUP_THEN_DESTROY);
    }

    // H9: System.exit in EvtIoRead, reached by a client's read, is refused: the read fails, the host stops the driver
    // (no EvtDriverUnload), its device is left without a driver, and the host serves other drivers as before.
    @Test
    @Timeout(120)
    void h9_systemExitInEvtIoReadIsRefused() throws Exception {
        HostedDriver hosted = host.start(DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.ExitInIoCallbackDriver",
                "ioexit", DriverPackage.FRAMEWORK_VERSION, List.of(EXIT_ON_READ)), VerifierSettings.on());
        String instance = host.pnp().addDevice(EXIT_ON_READ).instanceId();
        String path = host.client().interfaces(GUID_EXITONREAD).getFirst().path();
        try (DeviceHandle handle = host.client().open(path).value()) {
            assertThat(handle.write(new byte[] {1, 2, 3}).information()).isEqualTo(3);
            PendingIo read = handle.readAsync(16);
            await().atMost(Duration.ofSeconds(60)).until(() -> hosted.report() != null);
            IoResult result = read.result().get(60, TimeUnit.SECONDS);
            // The framework answers the request the driver dropped, or the driver's stop, racing it, answers it first.
            assertThat(result.status()).isIn(NtStatus.STATUS_DRIVER_INTERNAL_ERROR, NtStatus.STATUS_NO_SUCH_DEVICE);
        }
        UnloadReport report = hosted.report();
        assertRefusedWithoutUnload(report, "System.exit(9)");
        assertThat(report.callbacks()).anyMatch(line -> line.contains("EvtIoRead: exiting"));
        assertThat(host.pnp().devices()).filteredOn(n -> n.instanceId().equals(instance))
                .extracting(DevNode::driver, DevNode::status).containsExactly(org.assertj.core.groups.Tuple.tuple(null,
                        Status.NO_DRIVER));
    }

    // H9: sun.misc.Unsafe memory access throws in the host's JVM (JvmFlags.HARDENING, which the test JVM has as the
    // launcher's does): the driver's write to a bogus address fails DriverEntry with UnsupportedOperationException.
    @Test
    void h9_unsafeMemoryAccessIsDenied() throws DriverPackageException {
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments())
                .as("the test JVM must run with JvmFlags.HARDENING (wdf4j-host/pom.xml's argLine): without it the "
                        + "driver's write would crash the JVM").containsAll(JvmFlags.HARDENING);
        HostedDriver hosted = host.start(TestDrivers.pkg("UnsafeWriteDriver", "unsafe"), VerifierSettings.on());
        UnloadReport report = hosted.report();
        assertThat(report).as("DriverEntry failed, so the driver is already unloaded").isNotNull();
        assertThat(report.driverEntrySucceeded()).isFalse();
        assertThat(report.driverEntryException()).contains("java.lang.UnsupportedOperationException",
                "UnsafeWriteDriver.driverEntry");
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(TestDrivers.printed(report)).contains("got theUnsafe").noneMatch(line -> line.contains("MUST NOT RUN"));
        assertThat(report.classLoaderCollected()).isTrue();
    }

    // H9: the wdf4j launcher's java command line has exactly JvmFlags.host() (the hardening the driver-host processes
    // get too, native access for the host's module, the JDK's modules), and runs the host as modules.
    @Test
    void h9_theLauncherPassesTheHardeningFlags() throws IOException {
        assertThat(LauncherRun.launcherJvmFlags()).containsExactlyInAnyOrderElementsOf(JvmFlags.host())
                .containsAll(JvmFlags.HARDENING);
        assertThat(String.join(" ", LauncherRun.launcherLine())).contains(
                " --module-path \"$host_jar:$here/wdf4j-host/target/lib\" -m org.wdf4j.host/org.wdf4j.host.cli.Wdf4jCommand \"$@\"");
    }

    // H9: the real command, run as the launcher runs it (its flags, the module path): `wdf4j run` on a package whose
    // DriverEntry calls System.exit(3) is not ended with status 3 by the driver; it prints the report (the refusal
    // named) and exits with its own status for a failed driver, 3. The driver's status is 3 too, so the driver asks
    // for 3 and a second package, whose driver halts with 4, proves that the exit status is the command's: a halt
    // would have ended the process with 4 before any report.
    @Test
    @Timeout(120)
    void h9_wdf4jRunExitsWithThreeNotWithTheDriversStatus(@TempDir Path tmp) throws Exception {
        Path exit = LauncherRun.repackage(tmp.resolve("exit.jar"), "org.wdf4j.testdrivers.ExitInEntryDriver", "exit",
                HostingModel.IN_PROCESS); // wdf4j run defaults to pooled
        Path halt = LauncherRun.repackage(tmp.resolve("halt.jar"), "org.wdf4j.testdrivers.HaltInEntryDriver", "halt",
                HostingModel.IN_PROCESS);
        LauncherRun.Ran ran = LauncherRun.run("run", halt.toString(), exit.toString());
        assertThat(ran.output()).contains("Unload report for driver halt", "Runtime.halt(4)" + REFUSED,
                "Unload report for driver exit", "System.exit(3)" + REFUSED, "Verdict: NOT clean");
        assertThat(ran.exit()).as(ran.output()).isEqualTo(3);
    }

    /** Starts the test driver and waits for the host to have stopped it. */
    private UnloadReport startAndAwaitReport(String simpleName, String name) {
        HostedDriver hosted;
        try {
            hosted = host.start(TestDrivers.pkg(simpleName, name), VerifierSettings.on());
        } catch (DriverPackageException e) {
            throw new IllegalStateException(e);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> hosted.report() != null);
        assertThat(hosted.state()).isEqualTo(FxDriverState.UNLOADED);
        return hosted.report();
    }

    /** The report of a driver stopped by the refusal of {@code call}: no EvtDriverUnload, nothing after the call. */
    private static void assertRefusedWithoutUnload(UnloadReport report, String call) {
        assertThat(report.failure()).contains("WDF4J_HOST_CALL_REFUSED", call + REFUSED);
        assertThat(report.evtDriverUnloadCalled()).isFalse();
        assertThat(report.callbacks()).noneMatch(line -> line.contains("MUST NOT RUN"));
        assertThat(report.classLoaderCollected()).as("U6 step 6 holds for a refused driver too").isTrue();
        assertThat(report.clean()).isFalse();
    }
}
