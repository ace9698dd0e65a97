package org.wdf4j.testdrivers;

import java.security.Provider;
import java.security.Security;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U2: installs a security provider and never removes it. */
public final class SecurityProviderLeakDriver implements DriverEntry {

    /** The provider's name. */
    public static final String NAME = "Wdf4jLeakyDeviceCrypto";

    /** A provider for the device's crypto engine. */
    public static final class DeviceCrypto extends Provider {
        private static final long serialVersionUID = 1L;

        public DeviceCrypto() {
            super(NAME, "1.0", "the device's crypto engine (a test driver that leaks it)");
        }
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        Security.addProvider(new DeviceCrypto());
        return NtStatus.STATUS_SUCCESS;
    }
}
