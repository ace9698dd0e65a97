package org.wdf4j.io;

/**
 * {@code WDF_REQUEST_PARAMETERS}: the parameters of a request, from {@link WdfRequest#parameters()}.
 *
 * @param type the request type
 * @param length for READ and WRITE: the number of bytes to read or write; else 0
 * @param outputBufferLength for DEVICE_CONTROL: the size of the output buffer; else 0
 * @param inputBufferLength for DEVICE_CONTROL: the size of the input buffer; else 0
 * @param ioControlCode for DEVICE_CONTROL: the control code ({@link CtlCode}); else 0
 * @param deviceOffset for READ and WRITE: the byte offset the client gave (0 for stream devices)
 */
public record WdfRequestParameters(WdfRequestType type, long length, long outputBufferLength, long inputBufferLength,
                                   int ioControlCode, long deviceOffset) {
}
