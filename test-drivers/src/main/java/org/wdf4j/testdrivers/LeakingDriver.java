package org.wdf4j.testdrivers;

import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;
import org.wdf4j.object.WdfObject;

/**
 * U2/V2: keeps framework objects alive past its unload. It takes a tagged reference on "a2" and an
 * untagged one on "b" and never gives them back.
 */
public final class LeakingDriver implements DriverEntry {

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        WdfObject a = Tree.create("a", null);
        WdfObject a2 = Tree.create("a2", a);
        Tree.create("a2x", a2);
        WdfObject b = Tree.create("b", null);
        a2.reference("io-in-flight");
        b.reference();
        return NtStatus.STATUS_SUCCESS;
    }
}
