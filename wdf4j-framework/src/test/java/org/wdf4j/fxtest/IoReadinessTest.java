package org.wdf4j.fxtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.wdf4j.fxtest.DeviceTestDrivers.STRICT;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.wdf4j.NtStatus;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.device.WdfFileObject;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.framework.FxFileHandle;
import org.wdf4j.io.WdfIoReadiness;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * I/O readiness, what programs polling a device's file are told: the device's for every open, a file object's own
 * once set (null follows the device again), READ_WRITE until the driver says otherwise, and the listeners woken only
 * when a read or write becomes possible.
 */
class IoReadinessTest {

    private final DeviceTestDrivers drivers = new DeviceTestDrivers();

    @AfterEach
    void stopDrivers() {
        drivers.stopAll();
    }

    @Test
    void deviceAndFileReadinessWithTheirWakeUps() {
        AtomicReference<WdfFileObject> fileObject = new AtomicReference<>();
        DeviceTestDrivers.Rig rig = drivers.startDevice("readiness", STRICT,
                init -> init.setFileObjectConfig(WdfFileObjectConfig.init((device, request, file) -> {
                    fileObject.set(file);
                    request.complete(NtStatus.STATUS_SUCCESS);
                }, null, null), WdfObjectAttributes.NONE),
                WdfObjectAttributes.NONE, device -> NtStatus.STATUS_SUCCESS);
        FxFileHandle handle = DeviceTestDrivers.open(rig.device());
        List<String> woken = new CopyOnWriteArrayList<>();
        rig.device().addReadinessListener(() -> woken.add("device"));
        handle.setReadinessListener(() -> woken.add("file"));

        assertThat(rig.device().ioReadiness()).isEqualTo(WdfIoReadiness.READ_WRITE);
        assertThat(handle.ioReadiness()).isEqualTo(WdfIoReadiness.READ_WRITE);

        rig.device().setIoReadiness(WdfIoReadiness.WRITABLE);
        assertThat(handle.ioReadiness()).isEqualTo(WdfIoReadiness.WRITABLE);
        assertThat(woken).as("less ready wakes nobody").isEmpty();
        rig.device().setIoReadiness(WdfIoReadiness.WRITABLE);
        assertThat(woken).as("no change wakes nobody").isEmpty();
        rig.device().setIoReadiness(WdfIoReadiness.READ_WRITE);
        assertThat(woken).containsExactly("device");

        woken.clear();
        fileObject.get().setIoReadiness(WdfIoReadiness.NONE);
        assertThat(handle.ioReadiness()).isEqualTo(WdfIoReadiness.NONE);
        assertThat(fileObject.get().ioReadiness()).isEqualTo(WdfIoReadiness.NONE);
        assertThat(rig.device().ioReadiness()).as("the device's own is unchanged").isEqualTo(WdfIoReadiness.READ_WRITE);
        fileObject.get().setIoReadiness(WdfIoReadiness.READABLE);
        assertThat(woken).containsExactly("file");
        fileObject.get().setIoReadiness(null);
        assertThat(handle.ioReadiness()).as("null follows the device again").isEqualTo(WdfIoReadiness.READ_WRITE);
        assertThat(woken).containsExactly("file", "file");

        // A listener that throws neither stops the others nor reaches the driver.
        rig.device().setIoReadiness(WdfIoReadiness.NONE);
        rig.device().addReadinessListener(() -> {
            throw new IllegalStateException("listener bug");
        });
        rig.device().addReadinessListener(() -> woken.add("after"));
        rig.device().setIoReadiness(WdfIoReadiness.READABLE);
        assertThat(woken).endsWith("device", "after");
        assertThat(rig.globals().findings()).isEmpty();
    }

    @Test
    void aNullDeviceReadinessIsABugCheck() {
        DeviceTestDrivers.Rig rig = drivers.startDevice("readiness-null", STRICT, device -> NtStatus.STATUS_SUCCESS);
        Throwable thrown = catchThrowable(() -> rig.device().setIoReadiness(null));
        assertThat(thrown).isInstanceOf(WdfBugCheck.class).hasMessageContaining("WdfDeviceSetIoReadiness");
    }

    @Test
    void theFourValuesAreTheConstants() {
        assertThat(WdfIoReadiness.of(true, true)).isSameAs(WdfIoReadiness.READ_WRITE);
        assertThat(WdfIoReadiness.of(true, false)).isSameAs(WdfIoReadiness.READABLE);
        assertThat(WdfIoReadiness.of(false, true)).isSameAs(WdfIoReadiness.WRITABLE);
        assertThat(WdfIoReadiness.of(false, false)).isSameAs(WdfIoReadiness.NONE);
    }
}
