package org.wdf4j.framework;

import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;

/**
 * How a remote I/O target finds its device by name ({@code WdfIoTargetOpen} with
 * {@code WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME}): the host implements it over its device namespace and gives it
 * to each driver ({@link FxDriverGlobals#setTargetResolver}). The framework sends to the top of the stack of the
 * device it answers, when that device is in this process ({@link FxDevice}); another endpoint (a device in a driver
 * host) is answered STATUS_NOT_SUPPORTED for now.
 */
@FunctionalInterface
public interface FxTargetResolver {

    /**
     * The device named {@code name}, or why there is none (STATUS_OBJECT_NAME_NOT_FOUND). Called at PASSIVE_LEVEL on
     * the opening driver's thread; must not call into that driver.
     */
    NtResult<FxDeviceEndpoint> resolve(String name);

    /** Without a host: no name resolves. */
    static FxTargetResolver none() {
        return name -> NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    }
}
