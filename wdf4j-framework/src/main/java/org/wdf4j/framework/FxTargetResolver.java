package org.wdf4j.framework;

import java.util.UUID;
import org.wdf4j.NtResult;
import org.wdf4j.NtStatus;

/**
 * How a remote I/O target finds its device by name ({@code WdfIoTargetOpen} with
 * {@code WDF_IO_TARGET_OPEN_PARAMS_INIT_OPEN_BY_NAME}): the host implements it over its device namespace and gives it
 * to each driver ({@link FxDriverGlobals#setTargetResolver}). The framework sends to the top of the stack of the
 * device it answers when that device is in this process ({@link FxDevice}); another endpoint (a device in another
 * process) it opens as a client does and sends each request as the client's I/O on that open ({@link FxFileSink}).
 *
 * <p>It also carries the notifications that follow other devices' lives (ST9): the target device changes a remote
 * target registers for ({@link #watchTarget}) and the device interface changes a driver registers for
 * ({@link #watchInterfaces}).
 */
@FunctionalInterface
public interface FxTargetResolver {

    /**
     * The device named {@code name}, or why there is none (STATUS_OBJECT_NAME_NOT_FOUND). Called at PASSIVE_LEVEL on
     * the opening driver's thread; must not call into that driver.
     */
    NtResult<FxDeviceEndpoint> resolve(String name);

    /** A registration with the host, ended by {@link #close()} (idempotent). */
    interface Registration extends AutoCloseable {

        Registration NONE = () -> { };

        @Override
        void close();
    }

    /**
     * Tells {@code listener} about the query-remove, cancelled removal and removal of {@code device}'s node (any
     * device of its stack), until the registration is closed. Without a host, nothing is told.
     */
    default Registration watchTarget(FxDeviceEndpoint device, FxTargetDeviceListener listener) {
        return Registration.NONE;
    }

    /**
     * Tells {@code listener} about every enabled interface of class {@code guid} now (as arrivals), then every arrival
     * and removal, until the registration is closed. Without a host, nothing is told.
     */
    default Registration watchInterfaces(UUID guid, FxInterfaceListener listener) {
        return Registration.NONE;
    }

    /** Without a host: no name resolves. */
    static FxTargetResolver none() {
        return name -> NtResult.failure(NtStatus.STATUS_OBJECT_NAME_NOT_FOUND);
    }
}
