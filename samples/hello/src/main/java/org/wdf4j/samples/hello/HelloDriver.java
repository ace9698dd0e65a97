package org.wdf4j.samples.hello;

import org.wdf4j.DbgPrint;
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
 * The smallest useful driver: it creates its driver object, builds a small object tree with typed
 * contexts and callbacks, and releases its driver-wide resources in EvtDriverUnload. The framework
 * then cleans up the tree, children first, and destroys it.
 */
public final class HelloDriver implements DriverEntry {

    /** Driver-wide state, attached to the driver object. */
    static final class DriverContext {
        int buffersAllocated;
        boolean statisticsPublished;
    }

    /** A pool of buffers: a parent object whose deletion takes its buffers with it. */
    static final class PoolContext {
        String name;
    }

    /** One buffer. */
    static final class BufferContext {
        byte[] data;
    }

    static final ContextType<DriverContext> DRIVER_CONTEXT = ContextType.declare(DriverContext.class, DriverContext::new);
    static final ContextType<PoolContext> POOL_CONTEXT = ContextType.declare(PoolContext.class, PoolContext::new);
    static final ContextType<BufferContext> BUFFER_CONTEXT = ContextType.declare(BufferContext.class, BufferContext::new);

    private static final int BUFFERS = 2;

    @Override
    public NtStatus driverEntry(DriverObject driverObject, String registryPath) {
        WdfDriverConfig config = WdfDriverConfig.init(null)
                .withFlags(WdfDriverInitFlag.NON_PNP_DRIVER)
                .withUnload(HelloDriver::evtDriverUnload);
        WdfObjectAttributes attributes = WdfObjectAttributes.of(DRIVER_CONTEXT)
                .withCleanup(object -> DbgPrint.print("driver object cleanup"))
                .withDestroy(object -> DbgPrint.print("driver object destroyed"));
        NtResult<WdfDriver> created = WdfDriver.create(driverObject, registryPath, attributes, config);
        if (!created.isSuccess()) {
            return created.status();
        }
        WdfDriver driver = created.value();
        DriverContext driverContext = DRIVER_CONTEXT.get(driver);

        NtResult<WdfObject> pool = WdfObject.create(WdfObjectAttributes.of(POOL_CONTEXT)
                .withCleanup(HelloDriver::evtPoolCleanup));
        if (!pool.isSuccess()) {
            return pool.status();
        }
        POOL_CONTEXT.get(pool.value()).name = "rx";

        for (int i = 0; i < BUFFERS; i++) {
            NtResult<WdfObject> buffer = WdfObject.create(WdfObjectAttributes.of(BUFFER_CONTEXT)
                    .withParent(pool.value())
                    .withDestroy(HelloDriver::evtBufferDestroy));
            if (!buffer.isSuccess()) {
                return buffer.status(); // the framework deletes what was made so far
            }
            BUFFER_CONTEXT.get(buffer.value()).data = new byte[4096];
            driverContext.buffersAllocated++;
        }
        driverContext.statisticsPublished = true;
        DbgPrint.print("DriverEntry: %d buffers in pool '%s'", driverContext.buffersAllocated,
                POOL_CONTEXT.get(pool.value()).name);
        return NtStatus.STATUS_SUCCESS;
    }

    /** Releases what DriverEntry set up outside the object tree. */
    static void evtDriverUnload(WdfDriver driver) {
        DriverContext context = DRIVER_CONTEXT.get(driver);
        context.statisticsPublished = false;
        DbgPrint.print("EvtDriverUnload: withdrawing statistics of %d buffers", context.buffersAllocated);
    }

    static void evtPoolCleanup(WdfObject pool) {
        DbgPrint.print("pool '%s' cleanup", POOL_CONTEXT.get(pool).name);
    }

    static void evtBufferDestroy(WdfObject buffer) {
        DbgPrint.print("buffer of %d bytes destroyed", BUFFER_CONTEXT.get(buffer).data.length);
    }
}
