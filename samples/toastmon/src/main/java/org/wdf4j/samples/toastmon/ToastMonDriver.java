package org.wdf4j.samples.toastmon;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.wdf4j.DbgPrint;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.device.WdfDeviceInterfaceChange;
import org.wdf4j.device.WdfInterfaceNotification;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.CtlCode;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfIoTargetOpenParams;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.io.WdfRequestCompletionParams;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.registry.WdfKey;
import org.wdf4j.registry.WdfKeyAccess;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;

/**
 * The toaster monitor, after Microsoft's {@code toaster\toastmon} sample (ST9): a root-enumerated device
 * ({@link #HARDWARE_ID}) whose driver
 * <ul>
 *   <li>registers for the arrival of toaster interfaces ({@link WdfInterfaceNotification}, toasters present already
 *       included) and opens a remote I/O target on each toaster that arrives, by the interface's symbolic link, with
 *       the three removal callbacks;</li>
 *   <li>sends each open target the toaster's statistics I/O control ({@link #IOCTL_TOASTER_STATS}) on every tick of a
 *       periodic timer ({@link #TICK}), one at a time per target, reusing one request;</li>
 *   <li>on {@code EvtIoTargetQueryRemove} closes the target for the query-remove (with the parameter
 *       {@code VetoRemoval} = 1 it keeps it open and fails the query, which vetoes the removal); on
 *       {@code EvtIoTargetRemoveCanceled} reopens it; on {@code EvtIoTargetRemoveComplete} (also after a surprise
 *       removal) closes and deletes it. With the parameter {@code DefaultTargetCallbacks} = 1 it opens its targets
 *       without the callbacks, and the framework's defaults apply (closed for a query-remove, reopened when the removal
 *       is cancelled, closed on remove-complete).</li>
 * </ul>
 * It prints one line per event: {@code toastmon: arrival PATH}, {@code toastmon: opened PATH},
 * {@code toastmon: query-remove PATH (closed|vetoed)}, {@code toastmon: remove-canceled PATH (reopened STATUS)},
 * {@code toastmon: remove-complete PATH (closed after N I/O)}, {@code toastmon: removal PATH}, and
 * {@code toastmon: first I/O PATH STATUS} when a target's first control comes back.
 */
public final class ToastMonDriver implements DriverEntry {

    public static final String HARDWARE_ID = "ROOT\\TOASTMON";
    /** {@code GUID_DEVINTERFACE_TOASTER}, from the toaster's public header (here: the toaster sample's value). */
    public static final UUID GUID_DEVINTERFACE_TOASTER = UUID.fromString("781ef630-72b2-11d2-b852-00c04fad5171");
    /** The toaster sample's statistics control: a line of text per level of the toaster's stack. */
    public static final int IOCTL_TOASTER_STATS = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x900,
            CtlCode.METHOD_BUFFERED, CtlCode.FILE_ANY_ACCESS);
    static final Duration TICK = Duration.ofMillis(100);
    static final int STATS_SIZE = 1024;

    /** One toaster watched: its target, the one request reused for it, and what came back. */
    static final class Watched {
        final String path;
        final WdfIoTarget target;
        final WdfRequest request;
        final WdfMemory output;
        /** Set while the request is sent; the timer skips a busy target. */
        final AtomicBoolean busy = new AtomicBoolean();
        final AtomicLong completed = new AtomicLong();

        Watched(String path, WdfIoTarget target, WdfRequest request, WdfMemory output) {
            this.path = path;
            this.target = target;
            this.request = request;
            this.output = output;
        }
    }

    /** The monitor device's state: the toasters it watches, by symbolic link. */
    static final class Monitor {
        final Map<String, Watched> watched = new ConcurrentHashMap<>();
        volatile boolean vetoRemoval;
        volatile boolean defaultCallbacks;
    }

    static final ContextType<Monitor> MONITOR = ContextType.declare(Monitor.class, Monitor::new);
    /** A target's context: which toaster it watches (the removal callbacks get the target only). */
    static final ContextType<String[]> TARGET_PATH = ContextType.declare(String[].class, () -> new String[1]);

    /** The parameter {@code VetoRemoval}, read at DriverEntry. */
    private static volatile boolean vetoRemoval;
    /** The parameter {@code DefaultTargetCallbacks}: targets opened without removal callbacks (WDF's defaults). */
    private static volatile boolean defaultCallbacks;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> driver = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(ToastMonDriver::evtDeviceAdd));
        if (driver.isSuccess()) {
            NtResult<WdfKey> key = driver.value().openParametersRegistryKey(WdfKeyAccess.KEY_READ,
                    WdfObjectAttributes.NONE);
            if (key.isSuccess()) {
                NtResult<Long> veto = key.value().queryULong("VetoRemoval");
                vetoRemoval = veto.isSuccess() && veto.value() != 0;
                NtResult<Long> defaults = key.value().queryULong("DefaultTargetCallbacks");
                defaultCallbacks = defaults.isSuccess() && defaults.value() != 0;
                key.value().close();
            }
        }
        return driver.status();
    }

    static NtStatus evtDeviceAdd(WdfDriver driver, WdfDeviceInit init) {
        NtResult<WdfDevice> created = WdfDevice.create(init, WdfObjectAttributes.of(MONITOR));
        if (!created.isSuccess()) {
            return created.status();
        }
        WdfDevice device = created.value();
        MONITOR.get(device).vetoRemoval = vetoRemoval;
        MONITOR.get(device).defaultCallbacks = defaultCallbacks;
        NtResult<WdfTimer> timer = WdfTimer.create(WdfTimerConfig.initPeriodic(ToastMonDriver::tick, TICK)
                .withAutomaticSerialization(false), WdfObjectAttributes.NONE.withParent(device));
        if (!timer.isSuccess()) {
            return timer.status();
        }
        NtResult<WdfInterfaceNotification> registered = WdfInterfaceNotification.register(device,
                GUID_DEVINTERFACE_TOASTER, ToastMonDriver::interfaceChange);
        if (!registered.isSuccess()) {
            return registered.status();
        }
        timer.value().start(TICK);
        return NtStatus.STATUS_SUCCESS;
    }

    /** A toaster interface arrived (or was there already): a target on it. Its removal is told by the target's callbacks. */
    private static void interfaceChange(WdfInterfaceNotification notification, WdfDeviceInterfaceChange change) {
        String path = change.symbolicLinkName();
        if (!change.arrival()) {
            DbgPrint.print("toastmon: removal %s", path);
            return;
        }
        DbgPrint.print("toastmon: arrival %s", path);
        WdfDevice device = notification.device();
        Monitor monitor = MONITOR.get(device);
        if (monitor.watched.containsKey(path)) {
            return;
        }
        NtResult<WdfIoTarget> created = WdfIoTarget.create(device, WdfObjectAttributes.of(TARGET_PATH));
        if (!created.isSuccess()) {
            DbgPrint.print("toastmon: WdfIoTargetCreate failed %s", created.status());
            return;
        }
        WdfIoTarget target = created.value();
        TARGET_PATH.get(target)[0] = path;
        NtStatus status = target.open(monitor.defaultCallbacks ? WdfIoTargetOpenParams.openByName(path)
                : WdfIoTargetOpenParams.openByName(path)
                        .withEvtIoTargetQueryRemove(ToastMonDriver::queryRemove)
                        .withEvtIoTargetRemoveCanceled(ToastMonDriver::removeCanceled)
                        .withEvtIoTargetRemoveComplete(ToastMonDriver::removeComplete));
        if (!status.isSuccess()) {
            DbgPrint.print("toastmon: open %s failed %s", path, status);
            target.delete();
            return;
        }
        NtResult<WdfRequest> request = WdfRequest.create(WdfObjectAttributes.NONE.withParent(target), target);
        NtResult<WdfMemory> output = request.isSuccess()
                ? WdfMemory.create(WdfObjectAttributes.NONE.withParent(request.value()), STATS_SIZE)
                : NtResult.failure(request.status());
        if (!output.isSuccess()) {
            DbgPrint.print("toastmon: no request for %s: %s", path, output.status());
            target.delete();
            return;
        }
        monitor.watched.put(path, new Watched(path, target, request.value(), output.value()));
        DbgPrint.print("toastmon: opened %s", path);
    }

    /** Every tick: the statistics control to each open target that is not busy with the last one. */
    private static void tick(WdfTimer timer) {
        Monitor monitor = MONITOR.get((WdfDevice) timer.parentObject());
        for (Watched w : monitor.watched.values()) {
            if (!w.busy.compareAndSet(false, true)) {
                continue;
            }
            boolean sent = w.request.reuse(NtStatus.STATUS_SUCCESS).isSuccess()
                    && w.target.formatRequestForIoctl(w.request, IOCTL_TOASTER_STATS, null, null, w.output, null)
                    .isSuccess();
            if (sent) {
                w.request.setCompletionRoutine((request, target, params) -> completed(w, params));
                sent = w.request.send(w.target, null);
            }
            if (!sent) {
                w.busy.set(false); // closed for a query-remove, or gone: tried again next tick
            }
        }
    }

    private static void completed(Watched w, WdfRequestCompletionParams params) {
        if (params.status().isSuccess() && w.completed.incrementAndGet() == 1) {
            byte[] text = new byte[(int) Math.min(params.information(), STATS_SIZE)];
            w.output.copyToBuffer(0, text, text.length);
            DbgPrint.print("toastmon: first I/O %s %s: %s", w.path, params.status(),
                    new String(text, StandardCharsets.UTF_8).strip().replace('\n', ';'));
        }
        w.busy.set(false);
    }

    private static NtStatus queryRemove(WdfIoTarget target) {
        String path = TARGET_PATH.get(target)[0];
        if (MONITOR.get(target.device()).vetoRemoval) {
            DbgPrint.print("toastmon: query-remove %s (vetoed)", path);
            return NtStatus.STATUS_UNSUCCESSFUL;
        }
        target.closeForQueryRemove();
        DbgPrint.print("toastmon: query-remove %s (closed)", path);
        return NtStatus.STATUS_SUCCESS;
    }

    private static void removeCanceled(WdfIoTarget target) {
        String path = TARGET_PATH.get(target)[0];
        NtStatus status = target.open(WdfIoTargetOpenParams.reopen());
        DbgPrint.print("toastmon: remove-canceled %s (reopened: %s)", path, status.name());
    }

    private static void removeComplete(WdfIoTarget target) {
        String path = TARGET_PATH.get(target)[0];
        Watched w = MONITOR.get(target.device()).watched.remove(path);
        target.close();
        DbgPrint.print("toastmon: remove-complete %s (closed after %d I/O)", path, w == null ? 0 : w.completed.get());
        target.delete();
    }
}
