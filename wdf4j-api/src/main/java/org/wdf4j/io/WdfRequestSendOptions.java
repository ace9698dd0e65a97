package org.wdf4j.io;

import java.time.Duration;

/**
 * {@code WDF_REQUEST_SEND_OPTIONS}: how {@link WdfRequest#send} sends. Start from {@link #init()} (asynchronous, no
 * timeout) and refine; the record is immutable.
 *
 * <pre>{@code
 * request.send(target, WdfRequestSendOptions.init().withSynchronous().withTimeout(Duration.ofSeconds(2)));
 * }</pre>
 *
 * @param synchronous {@code WDF_REQUEST_SEND_OPTION_SYNCHRONOUS}: {@code send} returns once the request is completed
 *     by the lower driver (its completion routine is not called); only at PASSIVE_LEVEL
 * @param sendAndForget {@code WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET}: the request is handed to the target and the
 *     driver is done with it: the lower driver's completion goes to the original requestor without coming back. Only
 *     for a request the driver received and formatted with {@link WdfRequest#formatRequestUsingCurrentType()}
 * @param ignoreTargetState {@code WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE}: delivered even while the target is
 *     stopped
 * @param timeout {@code WDF_REQUEST_SEND_OPTION_TIMEOUT}: after this long the framework cancels the request; a request
 *     cancelled so ends with STATUS_IO_TIMEOUT. Null: no timeout
 */
public record WdfRequestSendOptions(boolean synchronous, boolean sendAndForget, boolean ignoreTargetState,
                                    Duration timeout) {

    public WdfRequestSendOptions {
        if (synchronous && sendAndForget) {
            throw new IllegalArgumentException("a send is synchronous or send-and-forget, not both");
        }
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("a send timeout must be positive, was " + timeout);
        }
    }

    /** {@code WDF_REQUEST_SEND_OPTIONS_INIT} with no flags: asynchronous, no timeout. */
    public static WdfRequestSendOptions init() {
        return new WdfRequestSendOptions(false, false, false, null);
    }

    /** With {@code WDF_REQUEST_SEND_OPTION_SYNCHRONOUS}. */
    public WdfRequestSendOptions withSynchronous() {
        return new WdfRequestSendOptions(true, sendAndForget, ignoreTargetState, timeout);
    }

    /** With {@code WDF_REQUEST_SEND_OPTION_SEND_AND_FORGET}. */
    public WdfRequestSendOptions withSendAndForget() {
        return new WdfRequestSendOptions(synchronous, true, ignoreTargetState, timeout);
    }

    /** With {@code WDF_REQUEST_SEND_OPTION_IGNORE_TARGET_STATE}. */
    public WdfRequestSendOptions withIgnoreTargetState() {
        return new WdfRequestSendOptions(synchronous, sendAndForget, true, timeout);
    }

    /** {@code WDF_REQUEST_SEND_OPTIONS_SET_TIMEOUT}. */
    public WdfRequestSendOptions withTimeout(Duration value) {
        return new WdfRequestSendOptions(synchronous, sendAndForget, ignoreTargetState, value);
    }
}
