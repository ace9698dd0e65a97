package org.wdf4j.testdrivers;

import org.wdf4j.DbgPrint;
import org.wdf4j.Irql;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.driver.WdfDriverInitFlag;
import org.wdf4j.object.ContextType;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * D2/D3/D4: calls WdfDriver.create wrongly in each way that answers a status, printing each status,
 * with callbacks that must never run; then creates it properly and calls it a second time.
 */
public final class CreateChecksDriver implements DriverEntry {

    private static WdfObjectAttributes mustNotRun(String call) {
        return WdfObjectAttributes.init()
                .withCleanup(o -> DbgPrint.print("MUST NOT RUN: cleanup of %s", call))
                .withDestroy(o -> DbgPrint.print("MUST NOT RUN: destroy of %s", call));
    }

    private static WdfDriverConfig config(String call) {
        return WdfDriverConfig.init(null).withUnload(d -> DbgPrint.print("MUST NOT RUN: unload of %s", call));
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> r;
        try (var ignored = Irql.raise(Irql.DISPATCH_LEVEL)) {
            r = WdfDriver.create(driverObject, registryPath, mustNotRun("dispatch"), config("dispatch"));
        }
        DbgPrint.print("dispatch-level: %s", r.status());

        r = WdfDriver.create(driverObject, registryPath, mustNotRun("nonpnp"),
                config("nonpnp").withFlags(WdfDriverInitFlag.NON_PNP_DRIVER).withDeviceAdd((d, init) -> NtStatus.STATUS_SUCCESS));
        DbgPrint.print("nonpnp+deviceadd: %s", r.status());

        r = WdfDriver.create(driverObject, registryPath, mustNotRun("parent").withParent(new ForeignObject()), config("parent"));
        DbgPrint.print("parent: %s", r.status());

        // D4 defaults and the derived pool tag.
        WdfDriverConfig defaults = WdfDriverConfig.init(null);
        DbgPrint.print("defaults: unload=%s flags=%s tag=%d", defaults.evtDriverUnload(), defaults.driverInitFlags(),
                defaults.driverPoolTag());

        r = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE, WdfDriverConfig.init(null).withUnload(d -> { }));
        WdfDriver first = r.value();
        DbgPrint.print("created: %s name=%s tag=%08X", r.status(), first.driverName(), first.poolTag());

        r = WdfDriver.create(driverObject, registryPath, mustNotRun("second"), config("second"));
        DbgPrint.print("second: %s same=%s", r.status(), WdfDriver.get() == first);
        return NtStatus.STATUS_SUCCESS;
    }

    /** A handle the framework did not make: WdfDriverCreate refuses any parent before looking at it. */
    private static final class ForeignObject implements WdfObject {
        @Override
        public NtStatus delete() {
            return NtStatus.STATUS_SUCCESS;
        }

        @Override
        public void reference(Object tag) {
        }

        @Override
        public void dereference(Object tag) {
        }

        @Override
        public <T> T getContext(ContextType<T> type) {
            return null;
        }

        @Override
        public <T> NtResult<T> allocateContext(ContextType<T> type, WdfObjectAttributes attributes) {
            return NtResult.failure(NtStatus.STATUS_NOT_SUPPORTED);
        }

        @Override
        public String handleName() {
            return "foreign";
        }
    }
}
