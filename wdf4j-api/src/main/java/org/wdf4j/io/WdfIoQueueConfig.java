package org.wdf4j.io;

/**
 * {@code WDF_IO_QUEUE_CONFIG}: how a queue presents requests and which callbacks handle them.
 *
 * <p>A request of a type with its own handler goes to it (READ to {@code evtIoRead}, ...); any other to
 * {@code evtIoDefault}; with neither, the framework fails it with STATUS_INVALID_DEVICE_REQUEST. A MANUAL queue has no
 * handlers. A default queue receives every request sent to the device that no other queue was configured for.
 *
 * @param dispatchType how requests are presented
 * @param defaultQueue this is the device's default queue
 * @param powerManaged null to follow the device (power-managed for a PnP device, not for a control device); true:
 *     requests are presented only while the device is in D0 and those with the driver get {@code evtIoStop} when it
 *     leaves D0; false: not tied to the device's power
 * @param allowZeroLengthRequests false (the default): read and write requests of length 0 are completed by the
 *     framework with STATUS_SUCCESS and never presented
 * @param numberOfPresentedRequests for PARALLEL queues, how many requests the driver may own at once (0: no limit)
 * @param evtIoInternalDeviceControl the handler of internal device I/O controls, which only drivers send (see
 *     {@link WdfRequestType#INTERNAL_DEVICE_CONTROL}), or null
 */
public record WdfIoQueueConfig(
        WdfIoQueueDispatchType dispatchType,
        boolean defaultQueue,
        Boolean powerManaged,
        boolean allowZeroLengthRequests,
        int numberOfPresentedRequests,
        EvtIoDefault evtIoDefault,
        EvtIoRead evtIoRead,
        EvtIoWrite evtIoWrite,
        EvtIoDeviceControl evtIoDeviceControl,
        EvtIoStop evtIoStop,
        EvtIoResume evtIoResume,
        EvtIoCanceledOnQueue evtIoCanceledOnQueue,
        EvtIoInternalDeviceControl evtIoInternalDeviceControl) {

    public WdfIoQueueConfig {
        if (dispatchType == null) {
            throw new IllegalArgumentException("dispatchType must not be null");
        }
        if (numberOfPresentedRequests < 0) {
            throw new IllegalArgumentException("numberOfPresentedRequests must be 0 (no limit) or more, was "
                    + numberOfPresentedRequests);
        }
    }

    /** {@code WDF_IO_QUEUE_CONFIG_INIT_DEFAULT_QUEUE}: the device's default queue. */
    public static WdfIoQueueConfig initDefaultQueue(WdfIoQueueDispatchType dispatchType) {
        return new WdfIoQueueConfig(dispatchType, true, null, false, 0, null, null, null, null, null, null, null, null);
    }

    /** {@code WDF_IO_QUEUE_CONFIG_INIT}: a queue that is not the default queue. */
    public static WdfIoQueueConfig init(WdfIoQueueDispatchType dispatchType) {
        return new WdfIoQueueConfig(dispatchType, false, null, false, 0, null, null, null, null, null, null, null, null);
    }

    public WdfIoQueueConfig withPowerManaged(Boolean value) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, value, allowZeroLengthRequests, numberOfPresentedRequests,
                evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop, evtIoResume, evtIoCanceledOnQueue,
                evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withAllowZeroLengthRequests(boolean value) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, value, numberOfPresentedRequests,
                evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop, evtIoResume, evtIoCanceledOnQueue,
                evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withNumberOfPresentedRequests(int value) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests, value,
                evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop, evtIoResume, evtIoCanceledOnQueue,
                evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoDefault(EvtIoDefault c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, c, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop, evtIoResume,
                evtIoCanceledOnQueue, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoRead(EvtIoRead c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, c, evtIoWrite, evtIoDeviceControl, evtIoStop, evtIoResume,
                evtIoCanceledOnQueue, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoWrite(EvtIoWrite c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, evtIoRead, c, evtIoDeviceControl, evtIoStop, evtIoResume,
                evtIoCanceledOnQueue, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoDeviceControl(EvtIoDeviceControl c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, evtIoRead, evtIoWrite, c, evtIoStop, evtIoResume,
                evtIoCanceledOnQueue, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoStop(EvtIoStop c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, c, evtIoResume,
                evtIoCanceledOnQueue, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoResume(EvtIoResume c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop, c,
                evtIoCanceledOnQueue, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoCanceledOnQueue(EvtIoCanceledOnQueue c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop,
                evtIoResume, c, evtIoInternalDeviceControl);
    }

    public WdfIoQueueConfig withIoInternalDeviceControl(EvtIoInternalDeviceControl c) {
        return new WdfIoQueueConfig(dispatchType, defaultQueue, powerManaged, allowZeroLengthRequests,
                numberOfPresentedRequests, evtIoDefault, evtIoRead, evtIoWrite, evtIoDeviceControl, evtIoStop,
                evtIoResume, evtIoCanceledOnQueue, c);
    }
}
