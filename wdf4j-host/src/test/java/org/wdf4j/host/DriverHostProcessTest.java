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
        assertThat(report.collectionNote()).isEqualTo("its driver host " + pid + " exited with status 0");
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
        try (DeviceHandle other = host.client().open("\\\\.\\NONPNP").value(); DeviceHandle old = openEcho()) {
            // A read held in the echo queue, stopped while the system sleeps.
            host.pnp().sleep();
            PendingIo held = old.readAsync(16);
            assertThat(held.result()).isNotDone();

            kill(firstPid);

            IoResult terminated = held.await(WAIT);
            assertThat(terminated.status()).isEqualTo(NtStatus.STATUS_DRIVER_PROCESS_TERMINATED);
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

    private static byte[] reversed(DeviceHandle nonpnp) {
        IoResult r = nonpnp.deviceIoControl(IOCTL_NONPNP_METHOD_BUFFERED, new byte[] {1, 2, 3}, 3);
        assertThat(r.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        return r.data();
    }
}
