package org.wdf4j.spi;

import java.util.ServiceLoader;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.WdfBugCheck;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.device.WdfDevice;
import org.wdf4j.device.WdfDeviceInit;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.io.WdfIoQueueConfig;
import org.wdf4j.io.WdfIoTarget;
import org.wdf4j.io.WdfQueue;
import org.wdf4j.io.WdfRequest;
import org.wdf4j.memory.WdfMemory;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;
import org.wdf4j.sync.WdfSpinLock;
import org.wdf4j.sync.WdfWaitLock;
import org.wdf4j.timer.WdfTimer;
import org.wdf4j.timer.WdfTimerConfig;
import org.wdf4j.workitem.WdfWorkItem;
import org.wdf4j.workitem.WdfWorkItemConfig;

/**
 * The function table that binds the API to the framework, as KMDF's {@code WdfFunctions} table
 * binds a driver's stub to the framework library. <strong>Not for drivers:</strong> drivers call
 * the static methods of the API types, which forward here. The host's class-loader isolation does
 * not show this package to drivers.
 *
 * <p>The implementation is found once, with {@link ServiceLoader}, on the class path of the API.
 */
public interface WdfFunctions {

    /** Finds the class that called an API method, to tell which driver is calling. */
    StackWalker CALLER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    NtResult<WdfDriver> driverCreate(DriverObject driverObject, String registryPath,
                                     WdfObjectAttributes attributes, WdfDriverConfig config);

    WdfDriver driverGet(Class<?> caller);

    NtResult<WdfObject> objectCreate(WdfObjectAttributes attributes);

    NtResult<WdfSpinLock> spinLockCreate(WdfObjectAttributes attributes);

    NtResult<WdfWaitLock> waitLockCreate(WdfObjectAttributes attributes);

    NtResult<WdfTimer> timerCreate(WdfTimerConfig config, WdfObjectAttributes attributes);

    NtResult<WdfWorkItem> workItemCreate(WdfWorkItemConfig config, WdfObjectAttributes attributes);

    NtResult<WdfDeviceInit> controlDeviceInitAllocate(WdfDriver driver, String sddl);

    NtResult<org.wdf4j.device.WdfPdoInit> pdoInitAllocate(WdfDevice parent);

    NtResult<WdfDevice> deviceCreate(WdfDeviceInit deviceInit, WdfObjectAttributes attributes);

    NtResult<WdfQueue> ioQueueCreate(WdfDevice device, WdfIoQueueConfig config, WdfObjectAttributes attributes);

    NtResult<WdfIoTarget> ioTargetCreate(WdfDevice device, WdfObjectAttributes attributes);

    NtResult<org.wdf4j.device.WdfInterfaceNotification> interfaceNotificationRegister(
            WdfDevice device, java.util.UUID interfaceClassGuid, org.wdf4j.device.EvtDeviceInterfaceChange callback);

    NtResult<WdfRequest> requestCreate(WdfObjectAttributes attributes, WdfIoTarget ioTarget);

    NtResult<WdfMemory> memoryCreate(WdfObjectAttributes attributes, long bufferSize);

    Irql currentIrql();

    /** Raises the calling thread's level; answers the previous one. */
    Irql raiseIrql(Irql level);

    void lowerIrql(Irql previous);

    void dbgPrint(String line);

    /**
     * An in-process driver's code asked to end the host process (H9): a {@code System.exit}, {@code Runtime.exit}
     * or {@code Runtime.halt} that the host rewrote into a call to {@link org.wdf4j.HostGuard}, or the same reached
     * through reflection or a method handle. Records a WDF4J_HOST_CALL_REFUSED bug check against the driver, which
     * fails it: the host stops it without its EvtDriverUnload, whether or not the driver catches the exception.
     *
     * @param caller the class that made the call: a driver's class names its driver; otherwise the driver the
     *     calling thread works for is blamed
     * @param call the call, with its status when known: {@code System.exit(3)},
     *     {@code Runtime.halt(3) through Method.invoke}, {@code a method handle to System.exit(int) (...findStatic)}
     * @return the bug check, for the caller to throw
     */
    WdfBugCheck processExitRefused(Class<?> caller, String call);

    /**
     * An in-process driver reached {@code Method.invoke} or a {@code MethodHandles.Lookup} finder through
     * reflection or a method handle (H9), where the host cannot check what it goes on to call. Recorded and
     * answered as {@link #processExitRefused}.
     *
     * @param call what was reached and how, e.g. {@code Method.invoke called through Method.invoke}
     */
    WdfBugCheck indirectReflectionRefused(Class<?> caller, String call);

    /** The bound implementation. */
    static WdfFunctions get() {
        return Binding.FUNCTIONS;
    }

    /** Lazy holder: the table is looked up the first time a driver calls the framework. */
    final class Binding {
        static final WdfFunctions FUNCTIONS = ServiceLoader.load(WdfFunctions.class, WdfFunctions.class.getClassLoader())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException(
                        "wdf4j: no framework is bound (wdf4j-framework is not on the class path of wdf4j-api); "
                                + "drivers run inside a wdf4j host"));

        private Binding() {
        }
    }
}
