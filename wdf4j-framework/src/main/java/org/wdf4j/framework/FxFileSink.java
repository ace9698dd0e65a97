package org.wdf4j.framework;

import org.wdf4j.NtStatus;

/**
 * A remote I/O target's way to a device of another process (ST5, UMDF's remote target through the reflector): the
 * framework opened the device as a client does ({@code CreateFile}, {@link FxDeviceEndpoint#open}), and each request
 * sent through the target goes as the client's read, write, flush or control on that open. Its completion comes back
 * with the output copied into the sent request's output buffer; a cancel of the sent request goes to it. Internal
 * device controls pass only between drivers of one process (ST8): one is failed with STATUS_INVALID_DEVICE_REQUEST.
 */
final class FxFileSink implements FxIrpSink {

    final FxFileEndpoint file;

    FxFileSink(FxFileEndpoint file) {
        this.file = file;
    }

    @Override
    public void submit(FxIrp irp) {
        // The other process's open takes an array of its own (its channel copies it on), so a copy remains here.
        byte[] input = new byte[irp.inputLength];
        irp.input.copyTo(0, input, input.length);
        FxIrpEndpoint sent = switch (irp.type) {
            case READ -> file.read(irp.outputLength, irp.deviceOffset);
            case WRITE -> file.writeOwned(input, irp.deviceOffset);
            case DEVICE_CONTROL -> file.deviceIoControl(irp.ioControlCode, input, irp.outputLength);
            case FLUSH_BUFFERS -> file.flushBuffers();
            default -> null;
        };
        if (sent == null) {
            irp.complete(NtStatus.STATUS_INVALID_DEVICE_REQUEST, 0);
            return;
        }
        irp.forwardTo(sent);
        sent.future().whenComplete((status, failure) -> {
            FxIoStatus s = status != null ? status : FxIoStatus.of(NtStatus.STATUS_DRIVER_INTERNAL_ERROR);
            byte[] out = s.output();
            if (FxIrp.hasOutput(irp.type) && out != null && out.length > 0) {
                FxMemory.Region r = irp.outputRegion();
                r.buffer().put(r.offset(), out, 0, Math.min(out.length, r.length()));
            }
            irp.complete(s.status(), s.information());
        });
    }

    @Override
    public String toString() {
        return String.valueOf(file);
    }
}
