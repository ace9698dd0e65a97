package org.wdf4j.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.framework.VerifierSettings;
import org.wdf4j.host.PnpManager.DevNode;
import org.wdf4j.host.PnpManager.Status;
import org.wdf4j.host.client.DeviceHandle;
import org.wdf4j.host.client.IoResult;
import org.wdf4j.host.client.PendingIo;
import org.wdf4j.io.CtlCode;

/**
 * Isolated drivers in driver host processes (the UMDF model): the process is real, its end is noticed, its requests
 * and devices are failed with the cause, the driver is restarted as the policy says, and an unload's proof is the
 * process's exit. Each driver host is killed as a user (or the kernel's OOM killer) would: SIGKILL to its pid.
 */
class DriverHostProcessTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    /** NonPnpDriver's METHOD_BUFFERED control code: answers its input reversed. */
    static final int IOCTL_NONPNP_METHOD_BUFFERED = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x800,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);

    private final DriverHost host = DriverHost.create();

    @AfterEach
    void closeHost() {
        host.close();
    }

    private DeviceHandle openEcho() {
        String path = host.client().interfaces(EchoSampleTest.GUID_DEVINTERFACE_ECHO).getFirst().path();
        var opened = host.client().open(path);
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    private static void kill(long pid) {
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
    }

    @Test
    void h2_anIsolatedDriverRunsInAProcessOfItsOwnThatExitsWhenItUnloads() throws Exception {
        HostedDriver hello = host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on(), HostingModel.ISOLATED);
        assertThat(hello.isRunning()).as("%s", hello.report()).isTrue();
        long pid = hello.pid();
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
        ProcessHandle process = ProcessHandle.of(pid).orElseThrow();
        assertThat(process.isAlive()).isTrue();
        assertThat(hello.where()).isEqualTo("driver host " + pid);
        assertThat(hello.objectTree()).isNotEmpty();

        UnloadReport report = host.stop(hello);

        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(report.collectionNote()).matches("in driver host " + pid + ": after \\d+ GCs?; then the driver host "
                + "exited with status 0");
        assertThat(process.isAlive()).as("H8: the driver host exits after its last driver unloads").isFalse();
    }

    @Test
    void h8_theUnloadReportOfAnIsolatedDriverHasTheSameCallbacksAsInProcess() throws Exception {
        UnloadReport inProcess = host.stop(host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on()));
        UnloadReport isolated = host.stop(host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on(),
                HostingModel.ISOLATED));
        assertThat(isolated.callbacks()).isEqualTo(inProcess.callbacks());
        assertThat(isolated.driverEntryStatus()).isEqualTo(inProcess.driverEntryStatus());
        assertThat(isolated.evtDriverUnloadCalled()).isTrue();
        assertThat(isolated.leaks()).isEqualTo(inProcess.leaks());
        assertThat(isolated.clean()).as(isolated.render()).isTrue();
    }

    @Test
    void h8_aLeakFoundInTheDriverHostReachesTheHostWithItsAllocationStack() throws Exception {
        UnloadReport report = host.stop(host.start(TestDrivers.pkg("LeakingDriver", "leaking"), VerifierSettings.on(),
                HostingModel.ISOLATED));
        UnloadReport local = host.stop(host.start(TestDrivers.pkg("LeakingDriver", "leaking"), VerifierSettings.on()));
        assertThat(report.leaks()).isNotEmpty();
        assertThat(report.leaks()).extracting(UnloadReport.Leak::kind, UnloadReport.Leak::description)
                .isEqualTo(local.leaks().stream().map(l -> org.assertj.core.groups.Tuple.tuple(l.kind(), l.description()))
                        .toList());
        for (int i = 0; i < report.leaks().size(); i++) {
            assertThat(report.leaks().get(i).allocatedAt().isBlank()).as("allocation stack of leak %d", i)
                    .isEqualTo(local.leaks().get(i).allocatedAt().isBlank());
        }
        assertThat(report.clean()).isFalse();
    }

    @Test
    void h1_aBugCheckInADriverHostStopsTheDriverWithoutEvtDriverUnloadAsInProcess() throws Exception {
        for (HostingModel model : List.of(HostingModel.IN_PROCESS, HostingModel.ISOLATED)) {
            HostedDriver failing = host.start(TestDrivers.pkg("BugCheckDriver", "bugcheck"), VerifierSettings.on(),
                    model);
            await().dontCatchUncaughtExceptions().atMost(WAIT).until(() -> failing.report() != null);
            UnloadReport report = failing.report();
            assertThat(report.failure()).as("%s: %s", model, report.render()).contains("WDF_INVALID_HANDLE");
            assertThat(report.evtDriverUnloadCalled()).isFalse();
            assertThat(TestDrivers.printed(report)).doesNotContain("EvtDriverUnload MUST NOT RUN after a bug check");
        }
    }

    // H11: nothing records JFR events in a driver host unless a recording is started there, so its start does not pay
    // for loading JFR (BENCHMARKS.md 8.4: ~70 ms): no event object, no platform recorder, after DriverEntry.
    @Test
    void h11_aDriverHostLoadsNoFlightRecorderUntilARecordingIsStarted() throws Exception {
        HostedDriver hello = host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on(),
                HostingModel.ISOLATED);
        Process jcmd = new ProcessBuilder(java.nio.file.Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(hello.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String histogram = new String(jcmd.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertThat(jcmd.waitFor()).as(histogram).isZero();
        assertThat(histogram).contains("org.wdf4j.framework")
                .doesNotContain("jdk.jfr.internal.PlatformRecorder", "org.wdf4j.framework.trace.");
        assertThat(host.stop(hello).clean()).isTrue();
    }

    // H11: a driver host compiles with C1 only unless wdf4j.driverHost.compiler=tiered asks for C2 too (the process's
    // own command line says which); a value that is neither is refused with the choices, and nothing is started.
    @Test
    void h11_aDriverHostCompilesWithC1UnlessTheSettingAsksForC2() throws Exception {
        String before = System.getProperty(DriverHostProcess.COMPILER);
        try {
            for (String compiler : List.of("c1", "tiered")) {
                System.setProperty(DriverHostProcess.COMPILER, compiler);
                HostedDriver hello = host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on(),
                        HostingModel.ISOLATED);
                String commandLine = ProcessHandle.of(hello.pid()).orElseThrow().info().arguments()
                        .map(List::of).orElseThrow().toString();
                if (compiler.equals("c1")) {
                    assertThat(commandLine).contains("-XX:TieredStopAtLevel=1");
                } else {
                    assertThat(commandLine).doesNotContain("TieredStopAtLevel");
                }
                assertThat(host.stop(hello).clean()).isTrue();
            }
            System.setProperty(DriverHostProcess.COMPILER, "c2");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> host.start(TestDrivers.sample(TestDrivers.HELLO),
                            VerifierSettings.on(), HostingModel.ISOLATED))
                    .hasMessageContaining("-Dwdf4j.driverHost.compiler=c2: not a driver-host compiler; use c1");
            assertThat(host.drivers()).isEmpty();
        } finally {
            if (before == null) {
                System.clearProperty(DriverHostProcess.COMPILER);
            } else {
                System.setProperty(DriverHostProcess.COMPILER, before);
            }
        }
    }

    @Test
    void h3_aDriverInADriverHostReadsAndWritesItsParametersKeyThroughTheHost() throws Exception {
        for (int start = 1; start <= 2; start++) {
            UnloadReport report = host.stop(host.start(TestDrivers.pkg("ParametersDriver", "params"),
                    VerifierSettings.on(), HostingModel.ISOLATED));
            assertThat(TestDrivers.printed(report)).first().asString().startsWith("start " + start + " ");
        }
    }

    @Test
    void h4_h5_h6_aKilledDriverHostFailsItsRequestsAndIsRestartedWhileAnotherDriverServesOn() throws Exception {
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on(), HostingModel.ISOLATED);
        HostedDriver nonpnp = host.start(TestDrivers.sample(TestDrivers.NONPNP), VerifierSettings.on());
        DevNode node = host.pnp().addDevice("ROOT\\ECHO");
        assertThat(node.status()).isEqualTo(Status.STARTED);
        long firstPid = echo.pid();
        java.util.concurrent.BlockingQueue<org.wdf4j.host.client.IoClient.DeviceHostProblem> told =
                new java.util.concurrent.LinkedBlockingQueue<>();
        try (AutoCloseable registration = host.client().registerDeviceHostProblem(told::add);
             DeviceHandle other = host.client().open("\\\\.\\NONPNP").value(); DeviceHandle old = openEcho()) {
            // A read held in the echo queue, stopped while the system sleeps.
            host.pnp().sleep();
            PendingIo held = old.readAsync(16);
            assertThat(held.result()).isNotDone();

            kill(firstPid);

            IoResult terminated = held.await(WAIT);
            assertThat(terminated.status()).isEqualTo(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
            var problem = told.poll(WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            assertThat(problem).as("H5: a client that asked is told").isNotNull();
            assertThat(problem.instanceId()).isEqualTo(node.instanceId());
            assertThat(problem.driver()).isEqualTo("echo");
            assertThat(problem.problem()).isEqualTo(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
            assertThat(problem.cause()).contains("SIGKILL");
            assertThat(problem.interfaces()).containsExactlyElementsOf(node.interfaces());
            assertThat(reversed(other)).as("H4: the in-process driver serves on").containsExactly(3, 2, 1);
            await().atMost(WAIT).until(() -> echo.restarts() == 1 && echo.pid() != firstPid);
            assertThat(echo.lastFailure()).contains("SIGKILL");
            assertThat(echo.isRunning()).isTrue();
            await().atMost(WAIT).until(() -> host.pnp().device(node.instanceId()).orElseThrow().status()
                    == Status.SUSPENDED);
            host.pnp().wake();
            DevNode restarted = host.pnp().device(node.instanceId()).orElseThrow();
            assertThat(restarted.status()).isEqualTo(Status.STARTED);
            assertThat(restarted.host()).isEqualTo("driver host " + echo.pid() + ", 1 restart, 4 left");

            // The old handle reaches nothing; a new open reaches the restarted driver.
            assertThat(old.readAsync(16).await(WAIT).status()).isEqualTo(NtStatus.STATUS_NO_SUCH_DEVICE);
            try (DeviceHandle fresh = openEcho()) {
                assertThat(fresh.write(EchoSampleTest.pattern(100)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(fresh.read(100).data()).isEqualTo(EchoSampleTest.pattern(100));
            }
            assertThat(reversed(other)).containsExactly(3, 2, 1);
        }
        assertThat(nonpnp.isRunning()).isTrue();
        assertThat(ProcessHandle.of(firstPid)).isEmpty();
    }

    @Test
    void h5_h6_pastTheRestartLimitTheDeviceStaysFailedWithTheCauseAndTheDriverIsUnloaded() throws Exception {
        host.restartPolicy(new RestartPolicy(1, Duration.ofMinutes(30)));
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on(), HostingModel.ISOLATED);
        DevNode node = host.pnp().addDevice("ROOT\\ECHO");
        long firstPid = echo.pid();

        kill(firstPid);
        await().atMost(WAIT).until(() -> echo.restarts() == 1 && echo.isRunning());
        await().atMost(WAIT).until(() -> host.pnp().device(node.instanceId()).orElseThrow().status() == Status.STARTED);
        long secondPid = echo.pid();
        kill(secondPid);

        await().atMost(WAIT).until(() -> echo.report() != null);
        UnloadReport report = echo.report();
        assertThat(report.failure()).contains("its driver host " + secondPid + " ended").contains("SIGKILL");
        assertThat(report.clean()).isFalse();
        assertThat(report.classLoaderCollected()).isTrue();
        assertThat(host.driver("echo")).isNull();
        DevNode failed = host.pnp().device(node.instanceId()).orElseThrow();
        assertThat(failed.status()).isEqualTo(Status.FAILED);
        assertThat(failed.problem()).isEqualTo(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
        assertThat(failed.cause()).contains("driver host " + secondPid).contains("SIGKILL");
        assertThat(host.client().interfaces(EchoSampleTest.GUID_DEVINTERFACE_ECHO))
                .as("H5: a failed device opens no more").isEmpty();
        assertThat(PnpManager.render(List.of(failed))).contains("FAILED").contains("SIGKILL");
    }

    /** The hostile driver under the name that picks its attack ({@code hostile-ATTACK-PLACE}), for ROOT\HOSTILE. */
    static DriverPackage hostile(String attack, String place) throws DriverPackageException {
        return DriverPackage.of(TestDrivers.JAR, "org.wdf4j.testdrivers.HostileDriver", "hostile-" + attack + "-" + place,
                DriverPackage.FRAMEWORK_VERSION, List.of("ROOT\\HOSTILE"));
    }

    static final java.util.UUID GUID_HOSTILE = java.util.UUID.fromString("5d0c7a0e-3f55-4d8e-9b1e-6c2f9a4b7d31");

    private DeviceHandle openFirst(java.util.UUID guid) {
        var opened = host.client().open(host.client().interfaces(guid).getFirst().path());
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return opened.value();
    }

    @Test
    void h6_pooledDriversShareOneDriverHostAndAnUnloadThereIsProvenByCollection() throws Exception {
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on(), HostingModel.POOLED);
        HostedDriver hello = host.start(TestDrivers.sample(TestDrivers.HELLO), VerifierSettings.on(), HostingModel.POOLED);
        assertThat(hello.pid()).isEqualTo(echo.pid()).isNotEqualTo(ProcessHandle.current().pid());
        assertThat(hello.where()).isEqualTo("driver host " + echo.pid() + " (pool default)");
        long pool = echo.pid();

        UnloadReport report = host.stop(hello);
        assertThat(report.clean()).as(report.render()).isTrue();
        assertThat(report.collectionNote()).matches("in driver host " + pool + ": after \\d+ GCs?");
        assertThat(ProcessHandle.of(pool)).as("the pool serves echo on").isPresent();

        UnloadReport last = host.stop(echo);
        assertThat(last.collectionNote()).endsWith("; then the driver host exited with status 0");
        assertThat(ProcessHandle.of(pool).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    }

    @Test
    void h4_h6_aFailedPoolIsRestartedWholeAndTheDriverToBlameLeavesItAfterItsSecondFailure() throws Exception {
        HostedDriver echo = host.start(TestDrivers.sample(TestDrivers.ECHO), VerifierSettings.on(), HostingModel.POOLED);
        HostedDriver attacker = host.start(hostile("oom", "read"), VerifierSettings.on(), HostingModel.POOLED);
        host.pnp().addDevice("ROOT\\ECHO");
        host.pnp().addDevice("ROOT\\HOSTILE");
        assertThat(attacker.pid()).isEqualTo(echo.pid());

        for (int failure = 1; failure <= 3; failure++) {
            long attackerPid = attacker.pid();
            long echoPid = echo.pid();
            try (DeviceHandle good = openEcho(); DeviceHandle bad = openFirst(GUID_HOSTILE)) {
                assertThat(good.write(EchoSampleTest.pattern(32)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(bad.readAsync(16).await(WAIT).status()).as("failure %d", failure)
                        .isEqualTo(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
            }
            int round = failure;
            await().atMost(WAIT).until(() -> attacker.restarts() == round && attacker.isRunning()
                    && host.client().interfaces(GUID_HOSTILE).size() == 1
                    && host.client().interfaces(EchoSampleTest.GUID_DEVINTERFACE_ECHO).size() == 1);
            assertThat(attacker.lastFailure()).contains("ran out of memory");
            if (failure == 1) {
                assertThat(attacker.hosting()).as("one failure: still pooled").isEqualTo(HostingModel.POOLED);
                assertThat(echo.restarts()).as("the whole pool restarted").isEqualTo(1);
                assertThat(echo.lastFailure()).contains("through another driver");
                assertThat(attacker.pid()).isEqualTo(echo.pid()).isNotEqualTo(attackerPid);
            } else {
                assertThat(attacker.hosting()).as("H6: after its second failure pooled").isEqualTo(HostingModel.ISOLATED);
                assertThat(attacker.pid()).isNotEqualTo(echo.pid());
                if (failure == 3) {
                    assertThat(echo.pid()).as("the pool no longer fails with it").isEqualTo(echoPid);
                    assertThat(echo.restarts()).isEqualTo(2);
                }
            }
            try (DeviceHandle good = openEcho()) {
                assertThat(good.write(EchoSampleTest.pattern(64)).status()).isEqualTo(NtStatus.STATUS_SUCCESS);
                assertThat(good.read(64).data()).as("the pool-mate serves again without help")
                        .isEqualTo(EchoSampleTest.pattern(64));
            }
        }
        assertThat(echo.hosting()).isEqualTo(HostingModel.POOLED);
    }

    private static byte[] reversed(DeviceHandle nonpnp) {
        IoResult r = nonpnp.deviceIoControl(IOCTL_NONPNP_METHOD_BUFFERED, new byte[] {1, 2, 3}, 3);
        assertThat(r.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return r.data();
    }
}
