package org.wdf4j.testdrivers;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U2: adds a java.util.logging handler to the root logger and never removes it. */
public final class LoggingHandlerLeakDriver implements DriverEntry {

    /** Would forward log records to the device's event log; here it drops them. */
    public static final class DeviceEventLogHandler extends Handler {
        @Override
        public void publish(LogRecord record) {
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        Logger.getLogger("").addHandler(new DeviceEventLogHandler());
        return NtStatus.STATUS_SUCCESS;
    }
}
