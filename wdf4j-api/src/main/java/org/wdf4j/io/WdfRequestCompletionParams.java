package org.wdf4j.io;

import org.wdf4j.NtStatus;
import org.wdf4j.memory.WdfMemory;

/**
 * {@code WDF_REQUEST_COMPLETION_PARAMS}: how a sent request ended, from the completion routine or
 * {@link WdfRequest#completionParams()}.
 *
 * @param type the type the request was formatted with
 * @param status the status the lower driver (or the framework, for a cancelled or failed send) completed it with
 * @param information the information it completed it with (bytes read, written or returned)
 * @param ioControlCode for device I/O controls: the control code; else 0
 * @param deviceOffset for reads and writes: the device offset the request was formatted with
 * @param inputMemory the memory object the request was formatted with for its input (a write's data, a control code's
 *     input), or null when it was formatted without one (or with its current type)
 * @param outputMemory the memory object for its output (a read's buffer, a control code's output), or null likewise
 */
public record WdfRequestCompletionParams(WdfRequestType type, NtStatus status, long information, int ioControlCode,
                                         long deviceOffset, WdfMemory inputMemory, WdfMemory outputMemory) {
}
