package org.wdf4j.testdrivers;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.wdf4j.NtStatus;
import org.wdf4j.driver.DriverEntry;
import org.wdf4j.driver.DriverObject;
import org.wdf4j.driver.WdfDriverConfig;

/** U2: registers an MBean in the platform MBean server and never unregisters it. */
public final class MBeanLeakDriver implements DriverEntry {

    /** The MBean's name. */
    public static final String NAME = "org.wdf4j.test:type=DeviceCounters,driver=MBeanLeakDriver";

    /** The MBean's interface. */
    public interface DeviceCountersMBean {
        long getInterrupts();
    }

    /** The MBean. */
    public static final class DeviceCounters implements DeviceCountersMBean {
        @Override
        public long getInterrupts() {
            return 42;
        }
    }

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        Drivers.create(driverObject, registryPath, WdfDriverConfig.init(null).withUnload(d -> { }));
        try {
            ManagementFactory.getPlatformMBeanServer().registerMBean(new DeviceCounters(), new ObjectName(NAME));
        } catch (JMException e) {
            throw new IllegalStateException(e);
        }
        return NtStatus.STATUS_SUCCESS;
    }
}
