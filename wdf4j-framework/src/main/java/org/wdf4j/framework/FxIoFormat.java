package org.wdf4j.framework;

import org.wdf4j.io.WdfRequestType;

/**
 * How a request will look at the next level down (WDF's next stack location): what {@code formatRequestUsingCurrentType}
 * or a target's {@code formatRequestFor} methods set, and what {@link FxRequest#send} makes the lower {@link FxIrp}
 * from. Immutable.
 *
 * @param type the request type below
 * @param input the input's region (the request's own, or a memory object's), or null for none
 * @param outputOf the IRP whose output region the lower one fills (the current type), or null
 * @param output the region the output goes to (a memory object's), or null (see {@code outputOf})
 * @param outputLength how many bytes the output may have
 * @param ioControlCode the control code of a (internal) device control, else 0
 * @param deviceOffset the device offset of a read or write
 * @param inputMemory the memory object the input came from, for the completion parameters; or null
 * @param outputMemory the memory object the output goes to, for the completion parameters; or null
 * @param currentType formatted with {@code formatRequestUsingCurrentType} (the only format send-and-forget takes)
 */
record FxIoFormat(WdfRequestType type, FxMemory.Region input, FxIrp outputOf, FxMemory.Region output,
                  int outputLength, int ioControlCode, long deviceOffset, FxMemory inputMemory,
                  FxMemory outputMemory, boolean currentType) {

    /** The request passed down as it came: its type, its parameters, its buffers. */
    static FxIoFormat currentType(FxIrp irp) {
        return new FxIoFormat(irp.type, irp.input, FxIrp.hasOutput(irp.type) ? irp : null, null, irp.outputLength,
                irp.ioControlCode, irp.deviceOffset, null, null, true);
    }

    /** A format for a target: buffers from memory objects (either may be null). */
    static FxIoFormat withMemory(WdfRequestType type, FxMemory.Region in, FxMemory inMemory, FxMemory.Region out,
                                 FxMemory outMemory, int ioControlCode, long deviceOffset) {
        return new FxIoFormat(type, in, null, out, out == null ? 0 : out.length(), ioControlCode, deviceOffset,
                inMemory, outMemory, false);
    }
}
