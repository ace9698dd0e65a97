package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriver;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObjectAttributes;

/**
 * A filter driver (ST10) that keeps every write it gets marked cancelable until a cancel reaches it (the requestor's,
 * a sender's, or the cancel of the target above it when its stack is removed or unplugged); its cancel routine
 * completes it with STATUS_CANCELLED. Reads and controls pass down untouched. {@link HoldingFilterDriver}'s device,
 * cancelable.
 */
public final class PendingFilterDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        return WdfDriver.create(driverObject, registryPath, WdfObjectAttributes.NONE,
                WdfDriverConfig.init((driver, init) -> HoldingFilterDriver.deviceAdd(init, true))).status();
    }
}
