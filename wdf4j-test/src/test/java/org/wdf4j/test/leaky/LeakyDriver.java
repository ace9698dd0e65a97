package org.wdf4j.test.leaky;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.driver.WdfDriverInitFlag;
import org.wdf4j.object.WdfObject;
import org.wdf4j.object.WdfObjectAttributes;

/** A driver that leaks on purpose: it takes a reference on an object of its own and never gives it back. */
public final class LeakyDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init(null).withFlags(WdfDriverInitFlag.NON_PNP_DRIVER).withUnload(d -> { }));
        if (!created.isSuccess()) {
            return created.status();
        }
        NtResult<WdfObject> object = WdfObject.create(WdfObjectAttributes.NONE);
        if (!object.isSuccess()) {
            return object.status();
        }
        object.value().reference("never-released");
        return NtStatus.STATUS_SUCCESS;
    }
}
