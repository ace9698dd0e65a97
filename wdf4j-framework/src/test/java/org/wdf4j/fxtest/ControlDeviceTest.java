package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.wdf4j.fxtest.DeviceTestDrivers.REPORTING;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;
import static org.wdf4j.fxtest.DeviceTestDrivers.WAIT;
import static org.wdf4j.fxtest.DeviceTestDrivers.describe;
import static org.wdf4j.fxtest.DeviceTestDrivers.result;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.WdfBugCheckCode;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.device.WdfPowerDeviceState;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.framework.FxDevice;
import org.wdf4j.framework.FxDeviceListener;
import org.wdf4j.framework.FxDriverGlobals;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.framework.FxIoStatus;
import org.wdf4j.framework.FxObjectState;
import org.wdf4j.framework.FxPnpMachine;
import org.wdf4j.framework.JournalEntry;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * Control devices of a non-PnP driver: not openable before controlFinishInitializing, no power-managed queues,
 * deletable by their driver at PASSIVE_LEVEL (O5), deleted after EvtDriverUnload when left (U7), unique names, and
 * device inits that serve one creation.
 */
class ControlDeviceTest {

    private static final String SDDL = "D:P(A;;GA;;;SY)(A;;GA;;;BA)";

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    /** What a control device's callbacks recorded: file callbacks, reads, the device's cleanup, the unload. */
    private static final class Log {
        final List<String> calls = new CopyOnWriteArrayList<>();
    }

    /**
     * Creates a control device named {@code name} with file callbacks and a PARALLEL default queue that answers reads
     * with one byte, and finishes its initialization when {@code finish}; answers the creation's result.
     */
    private static NtResult<WdfDevice> controlDevice(WdfDriver driver, String name, boolean finish, Log log) {
        NtResult<WdfDeviceInit> init = WdfDeviceInit.controlDeviceInitAllocate(driver, SDDL);
        if (!init.isSuccess()) {
            return NtResult.failure(init.status());
        }
        WdfDeviceInit deviceInit = init.value();
        deviceInit.setFileObjectConfig(WdfFileObjectConfig.init(
                (device, request, fileObject) -> {
                    log.calls.add(name + " create '" + fileObject.fileName() + "'");
                    request.complete(NtStatus.STATUS_SUCCESS);
                },
                fileObject -> log.calls.add(name + " file close"),
                fileObject -> log.calls.add(name + " file cleanup")), WdfObjectAttributes.NONE);
        NtStatus named = deviceInit.assignName(name);
        if (!named.isSuccess()) {
            deviceInit.free();
            return NtResult.failure(named);
        }
        NtResult<WdfDevice> created = WdfDevice.create(deviceInit, WdfObjectAttributes.NONE
                .withCleanup(o -> log.calls.add(name + " device cleanup")));
        if (!created.isSuccess()) {
            deviceInit.free();
            return created;
        }
        NtResult<WdfQueue> queue = WdfQueue.create(created.value(), WdfIoQueueConfig.initDefaultQueue(
                WdfIoQueueDispatchType.PARALLEL).withIoRead((q, r, n) -> {
                    r.retrieveOutputBuffer(1).value().put((byte) 42);
                    r.completeWithInformation(NtStatus.STATUS_SUCCESS, 1);
                }), WdfObjectAttributes.NONE);
        if (!queue.isSuccess()) {
            return NtResult.failure(queue.status());
        }
        if (finish) {
            created.value().controlFinishInitializing();
        }
        return created;
    }

    /** The driver's one control device (for the host's side). */
    private static FxDevice onlyDevice(FxDriverGlobals globals) {
        assertThat(globals.devices()).as("the driver's devices").hasSize(1);
        return globals.devices().get(0);
    }

    // A control device cannot be opened before controlFinishInitializing (STATUS_DEVICE_NOT_READY); afterwards it
    // opens by name, is in D0 and serves I/O through a queue that is not power-managed.
    @Test
    void aControlDeviceCannotBeOpenedBeforeControlFinishInitializing() throws Exception {
        Log log = new Log();
        FxDriverGlobals globals = drivers.startNonPnp("cd-ready", STRICT,
                driver -> controlDevice(driver, "CDREADY", false, log).status(), d -> log.calls.add("unload"));
        FxDevice device = onlyDevice(globals);
        assertThat(device.isControlDevice()).isTrue();
        assertThat(device.isControlReady()).isFalse();
        assertThat(DeviceTestDrivers.tryOpen(device, DeviceTestDrivers.CLIENT, "").status())
                .isEqualTo(NtStatus.STATUS_DEVICE_NOT_READY);
        assertThat(log.calls).as("EvtDeviceFileCreate is not called for a refused open").isEmpty();

        device.controlFinishInitializing();
        assertThat(device.isControlReady()).isTrue();
        NtResult<FxFileHandle> opened = DeviceTestDrivers.tryOpen(device, DeviceTestDrivers.CLIENT, "extra");
        assertThat(opened.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        FxIoStatus read = result(opened.value().read(4));
        assertThat(read.status()).isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(read.output()).containsExactly(42);
        assertThat(device.name()).isEqualTo("CDREADY");
        assertThat(device.hardwareId()).isNull();
        assertThat(device.devicePowerState()).isEqualTo(WdfPowerDeviceState.D0);
        assertThat(device.defaultQueue().queueState().dispatchingRequests()).isTrue();
        assertThat(device.pnp(FxPnpMachine.Event.REMOVE).applied()).as("a control device has no PnP life").isFalse();
        assertThat(log.calls).containsExactly("CDREADY create 'extra'");
        assertThat(globals.findings()).isEmpty();
    }

    // controlFinishInitializing is for control devices: calling it for a PnP device is a bug check.
    @Test
    void controlFinishInitializingOnAPnpDeviceIsABugCheck() {
        DeviceTestDrivers.Rig rig = drivers.startDevice("cd-finish-pnp", STRICT, device -> NtStatus.STATUS_SUCCESS);
        Throwable thrown = catchThrowable(() -> rig.device().controlFinishInitializing());
        assertThat(thrown).isInstanceOf(WdfBugCheck.class);
        assertThat(rig.globals().failure()).isNotNull();
    }

    // A power-managed queue on a control device is refused (STATUS_INVALID_DEVICE_REQUEST); a queue that says nothing
    // follows the device (not power-managed), and one that says false is fine.
    @Test
    void aPowerManagedQueueOnAControlDeviceIsRefused() throws Exception {
        Map<String, NtStatus> statuses = new ConcurrentHashMap<>();
        Log log = new Log();
        FxDriverGlobals globals = drivers.startNonPnp("cd-power", STRICT, driver -> {
            NtResult<WdfDevice> device = controlDevice(driver, "CDPOWER", true, log);
            if (!device.isSuccess()) {
                return device.status();
            }
            statuses.put("power-managed", WdfQueue.create(device.value(), WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL)
                    .withPowerManaged(true), WdfObjectAttributes.NONE).status());
            statuses.put("not power-managed", WdfQueue.create(device.value(), WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL)
                    .withPowerManaged(false), WdfObjectAttributes.NONE).status());
            statuses.put("following the device", WdfQueue.create(device.value(),
                    WdfIoQueueConfig.init(WdfIoQueueDispatchType.MANUAL), WdfObjectAttributes.NONE).status());
            return NtStatus.STATUS_SUCCESS;
        }, d -> { });
        assertThat(statuses).containsEntry("power-managed", NtStatus.STATUS_INVALID_DEVICE_REQUEST)
                .containsEntry("not power-managed", NtStatus.STATUS_SUCCESS)
                .containsEntry("following the device", NtStatus.STATUS_SUCCESS);
        assertThat(globals.failure()).isNull();
    }

    // O5: the driver may delete its control device at PASSIVE_LEVEL: its open handles are closed as their clients
    // would (EvtFileCleanup, EvtFileClose), the device's cleanup runs, opens fail afterwards, I/O on the old handle
    // fails, and the name is free again.
    @Test
    void o5_theDriverDeletesItsControlDeviceAtPassiveLevel() throws Exception {
        Log log = new Log();
        AtomicReference<WdfDriver> driverRef = new AtomicReference<>();
        FxDriverGlobals globals = drivers.startNonPnp("cd-delete", STRICT, driver -> {
            driverRef.set(driver);
            return controlDevice(driver, "CDDELETE", true, log).status();
        }, d -> log.calls.add("unload"));
        FxDevice device = onlyDevice(globals);
        FxFileHandle handle = DeviceTestDrivers.open(device);
        log.calls.clear();

        assertThat(Irql.current()).isEqualTo(Irql.PASSIVE_LEVEL);
        assertThat(globals.runAsDriver(device::delete)).isEqualTo(NtStatus.STATUS_SUCCESS);
        Awaitility.await().atMost(WAIT).until(() -> log.calls.contains("CDDELETE device cleanup"));
        assertThat(log.calls).containsExactly("CDDELETE file cleanup", "CDDELETE file close", "CDDELETE device cleanup");
        assertThat(globals.devices()).doesNotContain(device);
        assertThat(DeviceTestDrivers.tryOpen(device, DeviceTestDrivers.CLIENT, "").isSuccess()).as("open after delete")
                .isFalse();
        assertThat(handle.isOpen()).isFalse();
        assertThat(result(handle.read(1)).status().isSuccess()).as("I/O on a handle of the deleted device").isFalse();

        NtResult<WdfDevice> again = globals.runAsDriver(() -> controlDevice(driverRef.get(), "CDDELETE", true, log));
        assertThat(again.status()).as("the name is free again").isEqualTo(NtStatus.STATUS_SUCCESS);
        assertThat(globals.findings()).as(describe(globals)).isEmpty();
    }

    // O5 with O9: a control device may be deleted at PASSIVE_LEVEL only; a delete at DISPATCH_LEVEL is a verifier
    // violation (a bug check when the verifier breaks on errors) and the device is left as it was.
    @Test
    @SuppressWarnings("try")
    void o5_deletingAControlDeviceAtDispatchLevelIsAVerifierViolation() {
        Log log = new Log();
        FxDriverGlobals globals = drivers.startNonPnp("cd-delete-dispatch", STRICT,
                driver -> controlDevice(driver, "CDDISPATCH", true, log).status(), d -> { });
        FxDevice device = onlyDevice(globals);
        Throwable thrown;
        try (Irql.Scope ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            thrown = catchThrowable(device::delete);
        }
        assertThat(thrown).isInstanceOf(WdfBugCheck.class);
        assertThat(((WdfBugCheck) thrown).subCode()).isEqualTo(WdfBugCheckCode.WDF_VERIFIER_IRQL_MISMATCH);
        assertThat(device.state()).as("not deleted").isEqualTo(FxObjectState.CREATED);
        assertThat(log.calls).doesNotContain("CDDISPATCH device cleanup");
    }

    // U7: a control device the driver still has at unload is deleted by the framework after EvtDriverUnload returns
    // (alive and usable during it), as a child of the driver object: its open handle is closed (EvtFileCleanup,
    // EvtFileClose) and its cleanup runs, all after EvtDriverUnload in the journal.
    @Test
    void u7_aControlDeviceLeftAtUnloadIsDeletedAfterEvtDriverUnload() throws Exception {
        Log log = new Log();
        AtomicReference<String> nameDuringUnload = new AtomicReference<>();
        AtomicReference<WdfDevice> deviceRef = new AtomicReference<>();
        FxDriverGlobals globals = drivers.startNonPnp("cd-unload", STRICT, driver -> {
            NtResult<WdfDevice> device = controlDevice(driver, "CDUNLOAD", true, log);
            deviceRef.set(device.value());
            return device.status();
        }, d -> {
            log.calls.add("unload");
            nameDuringUnload.set(deviceRef.get().name());
        });
        FxDevice device = onlyDevice(globals);
        assertThat(device.parent()).as("a child of the driver object").isSameAs(globals.driverObject());
        DeviceTestDrivers.open(device);
        log.calls.clear();

        FxDriverGlobals.StopOutcome stop = globals.stop();
        assertThat(stop.refused()).isFalse();
        assertThat(nameDuringUnload.get()).as("the device is usable in EvtDriverUnload").isEqualTo("CDUNLOAD");
        assertThat(log.calls).containsExactly("unload", "CDUNLOAD file cleanup", "CDUNLOAD file close",
                "CDUNLOAD device cleanup");

        List<JournalEntry> journal = globals.journal();
        int unload = -1;
        int cleanup = -1;
        for (int i = 0; i < journal.size(); i++) {
            JournalEntry e = journal.get(i);
            if (e.kind() == JournalEntry.Kind.EVT_DRIVER_UNLOAD) {
                unload = i;
            }
            if (e.kind() == JournalEntry.Kind.CLEANUP && e.subject().equals(device.toString())) {
                cleanup = i;
            }
        }
        assertThat(unload).as("EvtDriverUnload in the journal %s", journal).isGreaterThanOrEqualTo(0);
        assertThat(cleanup).as("the device's cleanup after EvtDriverUnload in the journal %s", journal).isGreaterThan(unload);
        assertThat(device.state()).isEqualTo(FxObjectState.DESTROYED);
    }

    // Names are unique in the host: a second device with a name already taken, by the same driver or by another
    // driver of the host, is refused with STATUS_OBJECT_NAME_COLLISION; once the first is deleted the name is free.
    @Test
    void aNameCollisionBetweenTwoDevicesIsObjectNameCollision() throws Exception {
        FxDeviceListener host = FxDeviceListener.standalone();
        Log log = new Log();
        Map<String, NtStatus> statuses = new ConcurrentHashMap<>();
        AtomicReference<WdfDriver> secondDriver = new AtomicReference<>();
        FxDriverGlobals first = drivers.globals("cd-names-1", STRICT);
        first.setDeviceListener(host);
        drivers.startNonPnp(first, driver -> {
            statuses.put("first", controlDevice(driver, "SHARED", true, log).status());
            statuses.put("same name, same driver", controlDevice(driver, "SHARED", true, log).status());
            return NtStatus.STATUS_SUCCESS;
        }, d -> { });
        FxDriverGlobals second = drivers.globals("cd-names-2", STRICT);
        second.setDeviceListener(host);
        drivers.startNonPnp(second, driver -> {
            secondDriver.set(driver);
            statuses.put("same name, another driver", controlDevice(driver, "SHARED", true, log).status());
            return NtStatus.STATUS_SUCCESS;
        }, d -> { });
        assertThat(statuses).containsEntry("first", NtStatus.STATUS_SUCCESS)
                .containsEntry("same name, same driver", NtStatus.STATUS_OBJECT_NAME_COLLISION)
                .containsEntry("same name, another driver", NtStatus.STATUS_OBJECT_NAME_COLLISION);
        assertThat(first.devices()).hasSize(1);
        assertThat(second.devices()).isEmpty();
        assertThat(DeviceTestDrivers.open(first.devices().get(0)).isOpen()).as("the first device is unharmed").isTrue();

        assertThat(first.runAsDriver(first.devices().get(0)::delete)).isEqualTo(NtStatus.STATUS_SUCCESS);
        NtResult<WdfDevice> now = second.runAsDriver(() -> controlDevice(secondDriver.get(), "SHARED", true, log));
        assertThat(now.status()).as("the name is free once the first device is deleted").isEqualTo(NtStatus.STATUS_SUCCESS);
    }

    // A device init serves one WdfDevice.create: after a successful create, any further call on it is a bug check
    // (WDF_INVALID_HANDLE); free() on it is harmless.
    @Test
    void aSpentDeviceInitUsedAgainIsABugCheck() {
        AtomicReference<WdfDeviceInit> spent = new AtomicReference<>();
        FxDriverGlobals globals = drivers.startNonPnp("cd-spent", STRICT, driver -> {
            WdfDeviceInit init = WdfDeviceInit.controlDeviceInitAllocate(driver, SDDL).value();
            init.assignName("CDSPENT");
            spent.set(init);
            return WdfDevice.create(init, WdfObjectAttributes.NONE).status();
        }, d -> { });
        WdfDeviceInit init = spent.get();
        init.free();
        assertThat(globals.failure()).as("free() on a spent init is harmless").isNull();

        Throwable reuse = catchThrowable(() -> init.setExclusive(true));
        assertThat(reuse).isInstanceOf(WdfBugCheck.class);
        assertThat(((WdfBugCheck) reuse).subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
        Throwable recreate = catchThrowable(() -> WdfDevice.create(init, WdfObjectAttributes.NONE));
        assertThat(recreate).isInstanceOf(WdfBugCheck.class);
        assertThat(((WdfBugCheck) recreate).subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE);
        assertThat(globals.failure()).isNotNull();
        assertThat(globals.devices()).hasSize(1);
    }

    // The init is spent by a create that failed too ("successful or not", WdfDeviceInit): reusing it after a create

    // WDF: after a failed WdfDeviceCreate the driver still owns a control device init: it may correct it and create
    // again, or free it (WdfDeviceInitFree); a freed init, or one a successful create spent, is a bug check to use.
    @Test
    void aControlDeviceInitSurvivesAFailedCreateUntilFreed() {
        Map<String, Object> outcomes = new ConcurrentHashMap<>();
        FxDriverGlobals globals = drivers.startNonPnp("cd-init-failed", REPORTING, driver -> {
            WdfDeviceInit first = WdfDeviceInit.controlDeviceInitAllocate(driver, SDDL).value();
            first.assignName("CDTAKEN");
            outcomes.put("first", WdfDevice.create(first, WdfObjectAttributes.NONE).status());
            WdfDeviceInit parented = WdfDeviceInit.controlDeviceInitAllocate(driver, SDDL).value();
            parented.assignName("CDPARENTED");
            outcomes.put("parent", WdfDevice.create(parented, WdfObjectAttributes.NONE.withParent(driver)).status());
            outcomes.put("parent retried", WdfDevice.create(parented, WdfObjectAttributes.NONE).status());
            WdfDeviceInit collision = WdfDeviceInit.controlDeviceInitAllocate(driver, SDDL).value();
            collision.assignName("CDTAKEN");
            outcomes.put("collision", WdfDevice.create(collision, WdfObjectAttributes.NONE).status());
            collision.free();
            outcomes.put("freed", collision);
            return NtStatus.STATUS_SUCCESS;
        }, d -> { });
        assertThat(outcomes).containsEntry("first", NtStatus.STATUS_SUCCESS)
                .containsEntry("parent", NtStatus.STATUS_WDF_PARENT_ASSIGNMENT_NOT_ALLOWED)
                .containsEntry("parent retried", NtStatus.STATUS_SUCCESS)
                .containsEntry("collision", NtStatus.STATUS_OBJECT_NAME_COLLISION);
        assertThat(globals.devices()).hasSize(2);
        WdfDeviceInit freed = (WdfDeviceInit) outcomes.get("freed");
        Throwable afterFree = catchThrowable(() -> globals.runAsDriver(() -> WdfDevice.create(freed, WdfObjectAttributes.NONE)));
        assertThat(afterFree).isInstanceOfSatisfying(WdfBugCheck.class,
                b -> assertThat(b.subCode()).isEqualTo(WdfBugCheckCode.WDF_INVALID_HANDLE));
        assertThat(globals.devices()).hasSize(2);
    }

    // A device name and a reference string are names a driver gives: one that breaks the naming rule (NameRule) is
    // refused with STATUS_INVALID_PARAMETER, and the driver's report has a finding that names the rule.
    @Test
    void aDeviceNameOrReferenceStringThatBreaksTheNamingRuleIsRefusedWithAFindingNamingTheRule() {
        Map<String, NtStatus> statuses = new ConcurrentHashMap<>();
        FxDriverGlobals globals = drivers.startNonPnp("cd-names", REPORTING, driver -> {
            for (String name : List.of("..", "a/b", "TWO WORDS", "x".repeat(101))) {
                statuses.put(name, controlDevice(driver, name, true, new Log()).status());
            }
            statuses.put("CDNAMEOK", controlDevice(driver, "CDNAMEOK", true, new Log()).status());
            return NtStatus.STATUS_SUCCESS;
        }, d -> { });
        assertThat(statuses).containsEntry("..", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("a/b", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("TWO WORDS", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("x".repeat(101), NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("CDNAMEOK", NtStatus.STATUS_SUCCESS);
        assertThat(globals.findings()).filteredOn(f -> f.rule().equals("WdfDeviceInitAssignName"))
                .extracting(org.wdf4j.framework.Finding::message).containsExactlyInAnyOrder(
                        "'..' is not a valid device name: it is '..'; a device name may not be '.' or '..'",
                        "'a/b' is not a valid device name: it has '/' (U+002F) at position 2; a device name has "
                                + "printable ASCII characters other than space, '\\' and '/'",
                        "'TWO WORDS' is not a valid device name: it has U+0020 at position 4; a device name has "
                                + "printable ASCII characters other than space, '\\' and '/'",
                        "'" + "x".repeat(60) + "...' is not a valid device name: it is 101 characters long; a device "
                                + "name has at most 100");

        Map<String, NtStatus> refs = new ConcurrentHashMap<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("cd-refs", REPORTING, device -> {
            java.util.UUID guid = java.util.UUID.randomUUID();
            for (String ref : List.of("..", "a\\b", "ok-ref")) {
                refs.put(ref, device.createDeviceInterface(guid, ref));
            }
            return NtStatus.STATUS_SUCCESS;
        });
        assertThat(refs).containsEntry("..", NtStatus.STATUS_INVALID_PARAMETER)
                .containsEntry("a\\b", NtStatus.STATUS_INVALID_PARAMETER).containsEntry("ok-ref", NtStatus.STATUS_SUCCESS);
        assertThat(rig.globals().findings()).filteredOn(f -> f.rule().equals("WdfDeviceCreateDeviceInterface"))
                .extracting(org.wdf4j.framework.Finding::message).containsExactlyInAnyOrder(
                        "'..' is not a valid device interface reference string: it is '..'; a device interface "
                                + "reference string may not be '.' or '..'",
                        "'a\\b' is not a valid device interface reference string: it has '\\' (U+005C) at position 2; "
                                + "a reference string has no control characters, '\\' or '/'");
    }
}
