package org.wdf4j.testdrivers;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.locks.LockSupport;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfFileObjectConfig;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoQueueDispatchType;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * The hostile-driver suite's attacker (issue #10): one attack, at one place, chosen by the driver's name
 * {@code hostile-ATTACK-PLACE} (the last part of its registry path).
 *
 * <p>Attacks: {@code exit} ({@code System.exit(7)}), {@code halt} ({@code Runtime.halt(7)}), {@code native} (a read
 * of address 0 through FFM: SIGSEGV), {@code unsafe} ({@code sun.misc.Unsafe.putLong(0, 0)}), {@code oom} (allocates
 * until the heap is gone), {@code hang} (parks), {@code spin} (a busy loop). A hang or spin ends by itself after
 * {@link #BOUND_MS}, so that no test leaves a thread spinning forever.
 *
 * <p>Places: {@code entry} (DriverEntry), {@code unload} (EvtDriverUnload), {@code read} (EvtIoRead of its devices,
 * hardware ID {@code ROOT\HOSTILE}, interface {@link #GUID_HOSTILE}; writes complete at once), {@code cleanup} and
 * {@code close} (EvtFileCleanup and EvtFileClose of an open of one of its devices). Before the attack it
 * prints {@code attacking ATTACK in PLACE}.
 */
public final class HostileDriver implements DriverEntry {

    public static final UUID GUID_HOSTILE = UUID.fromString("5d0c7a0e-3f55-4d8e-9b1e-6c2f9a4b7d31");
    /** How long a hang or spin lasts at most. */
    public static final long BOUND_MS = 120_000;

    private static volatile String attack;
    private static volatile String place;
    /** Keeps the allocations of the oom attack reachable. */
    private static final List<long[]> HOG = new ArrayList<>();
    private static volatile long spins;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        String name = registryPath.substring(registryPath.lastIndexOf('\\') + 1);
        String[] parts = name.split("-");
        if (parts.length != 3 || !parts[0].equals("hostile")) {
            DbgPrint.print("name the driver hostile-ATTACK-PLACE, not %s", name);
            return NtStatus.STATUS_INVALID_PARAMETER;
        }
        attack = parts[1];
        place = parts[2];
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(HostileDriver::deviceAdd).withUnload(d -> {
                    if (place.equals("unload")) {
                        attack();
                    }
                }));
        if (!created.isSuccess()) {
            return created.status();
        }
        if (place.equals("entry")) {
            attack();
        }
        return NtStatus.STATUS_SUCCESS;
    }

    static NtStatus deviceAdd(WdfDriver driver, WdfDeviceInit init) {
        init.setFileObjectConfig(WdfFileObjectConfig.init(null,
                file -> {
                    if (place.equals("close")) {
                        attack();
                    }
                },
                file -> {
                    if (place.equals("cleanup")) {
                        attack();
                    }
                }), WdfObjectAttributes.NONE);
        NtResult<WdfDevice> device = WdfDevice.create(init, WdfObjectAttributes.NONE);
        if (!device.isSuccess()) {
            return device.status();
        }
        NtStatus status = device.value().createDeviceInterface(GUID_HOSTILE, null);
        if (!status.isSuccess()) {
            return status;
        }
        return WdfQueue.create(device.value(), WdfIoQueueConfig.initDefaultQueue(WdfIoQueueDispatchType.PARALLEL)
                .withIoRead(HostileDriver::read)
                .withIoWrite((q, r, length) -> r.completeWithInformation(NtStatus.STATUS_SUCCESS, length)),
                WdfObjectAttributes.NONE).status();
    }

    static void read(WdfQueue queue, WdfRequest request, long length) {
        if (place.equals("read")) {
            attack();
        }
        request.complete(NtStatus.STATUS_SUCCESS);
    }

    private static void attack() {
        DbgPrint.print("attacking %s in %s", attack, place);
        long end = System.nanoTime() + BOUND_MS * 1_000_000L;
        switch (attack) {
            case "exit" -> System.exit(7);
            case "halt" -> Runtime.getRuntime().halt(7);
            case "native" -> DbgPrint.print("read %d", MemorySegment.NULL.reinterpret(8).get(ValueLayout.JAVA_LONG, 0));
            case "unsafe" -> unsafe().putLong(0L, 0L);
            case "oom" -> {
                while (System.nanoTime() < end) {
                    HOG.add(new long[1 << 20]);
                }
            }
            case "hang" -> {
                while (System.nanoTime() < end) {
                    LockSupport.parkNanos(end - System.nanoTime());
                }
            }
            case "spin" -> {
                while (System.nanoTime() < end) {
                    spins++;
                }
            }
            default -> DbgPrint.print("no attack named %s", attack);
        }
        DbgPrint.print("survived %s in %s", attack, place);
    }

    @SuppressWarnings("removal")
    private static sun.misc.Unsafe unsafe() {
        try {
            java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
