package org.wdf4j.framework;

/**
 * Where an I/O target hands the IRPs of the requests it delivers: the top of a device's stack in this process
 * ({@link FxDevice#submit}), or an open of a device in another process ({@link FxFileSink}).
 */
@FunctionalInterface
interface FxIrpSink {

    /** Takes {@code irp}, which completes once, whatever happens to it below. */
    void submit(FxIrp irp);
}
