package org.wdf4j.serial;

import java.util.Map;
import org.wdf4j.io.CtlCode;

/**
 * The serial I/O control codes of {@code ntddser.h}: {@code CTL_CODE(FILE_DEVICE_SERIAL_PORT, n, METHOD_BUFFERED,
 * FILE_ANY_ACCESS)}, with the same values as on Windows. Each says which buffer it takes or returns.
 */
public final class SerialIoctl {

    /** {@code FILE_DEVICE_SERIAL_PORT}. */
    public static final int FILE_DEVICE_SERIAL_PORT = 0x1B;
    /**
     * {@code CTL_CODE(FILE_DEVICE_SERIAL_PORT, 0, METHOD_BUFFERED, FILE_ANY_ACCESS)}: the codes below are it with their
     * function number shifted in, written so that they are constants a {@code switch} takes.
     */
    private static final int SERIAL_CODES = FILE_DEVICE_SERIAL_PORT << 16;

    /** Input: {@link SerialBaudRate}. */
    public static final int IOCTL_SERIAL_SET_BAUD_RATE = SERIAL_CODES | (1 << 2);
    /** Input: {@code SERIAL_QUEUE_SIZE} (two ULONGs, InSize and OutSize); a hint. */
    public static final int IOCTL_SERIAL_SET_QUEUE_SIZE = SERIAL_CODES | (2 << 2);
    /** Input: {@link SerialLineControl}. */
    public static final int IOCTL_SERIAL_SET_LINE_CONTROL = SERIAL_CODES | (3 << 2);
    /** No buffers. */
    public static final int IOCTL_SERIAL_SET_BREAK_ON = SERIAL_CODES | (4 << 2);
    /** No buffers. */
    public static final int IOCTL_SERIAL_SET_BREAK_OFF = SERIAL_CODES | (5 << 2);
    /** Input: one byte to send ahead of the queued writes. */
    public static final int IOCTL_SERIAL_IMMEDIATE_CHAR = SERIAL_CODES | (6 << 2);
    /** Input: {@link SerialTimeouts}. */
    public static final int IOCTL_SERIAL_SET_TIMEOUTS = SERIAL_CODES | (7 << 2);
    /** Output: {@link SerialTimeouts}. */
    public static final int IOCTL_SERIAL_GET_TIMEOUTS = SERIAL_CODES | (8 << 2);
    /** No buffers: raise DTR. */
    public static final int IOCTL_SERIAL_SET_DTR = SERIAL_CODES | (9 << 2);
    /** No buffers: drop DTR. */
    public static final int IOCTL_SERIAL_CLR_DTR = SERIAL_CODES | (10 << 2);
    /** No buffers. */
    public static final int IOCTL_SERIAL_RESET_DEVICE = SERIAL_CODES | (11 << 2);
    /** No buffers: raise RTS. */
    public static final int IOCTL_SERIAL_SET_RTS = SERIAL_CODES | (12 << 2);
    /** No buffers: drop RTS. */
    public static final int IOCTL_SERIAL_CLR_RTS = SERIAL_CODES | (13 << 2);
    /** No buffers: act as if XOFF was received. */
    public static final int IOCTL_SERIAL_SET_XOFF = SERIAL_CODES | (14 << 2);
    /** No buffers: act as if XON was received. */
    public static final int IOCTL_SERIAL_SET_XON = SERIAL_CODES | (15 << 2);
    /** Output: a ULONG of {@link SerialEvent} flags. */
    public static final int IOCTL_SERIAL_GET_WAIT_MASK = SERIAL_CODES | (16 << 2);
    /** Input: a ULONG of {@link SerialEvent} flags; completes a pending {@link #IOCTL_SERIAL_WAIT_ON_MASK} with 0. */
    public static final int IOCTL_SERIAL_SET_WAIT_MASK = SERIAL_CODES | (17 << 2);
    /** Output: a ULONG of the {@link SerialEvent} flags that occurred; pends until one of the mask's events occurs. */
    public static final int IOCTL_SERIAL_WAIT_ON_MASK = SERIAL_CODES | (18 << 2);
    /** Input: a ULONG of {@link SerialPurge} flags. */
    public static final int IOCTL_SERIAL_PURGE = SERIAL_CODES | (19 << 2);
    /** Output: {@link SerialBaudRate}. */
    public static final int IOCTL_SERIAL_GET_BAUD_RATE = SERIAL_CODES | (20 << 2);
    /** Output: {@link SerialLineControl}. */
    public static final int IOCTL_SERIAL_GET_LINE_CONTROL = SERIAL_CODES | (21 << 2);
    /** Output: {@link SerialChars}. */
    public static final int IOCTL_SERIAL_GET_CHARS = SERIAL_CODES | (22 << 2);
    /** Input: {@link SerialChars}. */
    public static final int IOCTL_SERIAL_SET_CHARS = SERIAL_CODES | (23 << 2);
    /** Output: {@link SerialHandflow}. */
    public static final int IOCTL_SERIAL_GET_HANDFLOW = SERIAL_CODES | (24 << 2);
    /** Input: {@link SerialHandflow}. */
    public static final int IOCTL_SERIAL_SET_HANDFLOW = SERIAL_CODES | (25 << 2);
    /** Output: a ULONG of {@link SerialModemStatus} bits (the modem status register). */
    public static final int IOCTL_SERIAL_GET_MODEMSTATUS = SERIAL_CODES | (26 << 2);
    /** Output: {@link SerialStatus}. */
    public static final int IOCTL_SERIAL_GET_COMMSTATUS = SERIAL_CODES | (27 << 2);
    /** Output: a ULONG of {@code SERIAL_DTR_STATE} (1) and {@code SERIAL_RTS_STATE} (2). */
    public static final int IOCTL_SERIAL_GET_DTRRTS = SERIAL_CODES | (30 << 2);
    /** Output: a ULONG, the modem control register. */
    public static final int IOCTL_SERIAL_GET_MODEM_CONTROL = SERIAL_CODES | (37 << 2);
    /** Input: a ULONG, the modem control register. */
    public static final int IOCTL_SERIAL_SET_MODEM_CONTROL = SERIAL_CODES | (38 << 2);
    /** Input: a ULONG, the FIFO control register. */
    public static final int IOCTL_SERIAL_SET_FIFO_CONTROL = SERIAL_CODES | (39 << 2);

    /** {@code SERIAL_DTR_STATE} in {@link #IOCTL_SERIAL_GET_DTRRTS}'s answer. */
    public static final int SERIAL_DTR_STATE = 0x1;
    /** {@code SERIAL_RTS_STATE} in {@link #IOCTL_SERIAL_GET_DTRRTS}'s answer. */
    public static final int SERIAL_RTS_STATE = 0x2;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(IOCTL_SERIAL_SET_BAUD_RATE, "IOCTL_SERIAL_SET_BAUD_RATE"),
            Map.entry(IOCTL_SERIAL_SET_QUEUE_SIZE, "IOCTL_SERIAL_SET_QUEUE_SIZE"),
            Map.entry(IOCTL_SERIAL_SET_LINE_CONTROL, "IOCTL_SERIAL_SET_LINE_CONTROL"),
            Map.entry(IOCTL_SERIAL_SET_BREAK_ON, "IOCTL_SERIAL_SET_BREAK_ON"),
            Map.entry(IOCTL_SERIAL_SET_BREAK_OFF, "IOCTL_SERIAL_SET_BREAK_OFF"),
            Map.entry(IOCTL_SERIAL_IMMEDIATE_CHAR, "IOCTL_SERIAL_IMMEDIATE_CHAR"),
            Map.entry(IOCTL_SERIAL_SET_TIMEOUTS, "IOCTL_SERIAL_SET_TIMEOUTS"),
            Map.entry(IOCTL_SERIAL_GET_TIMEOUTS, "IOCTL_SERIAL_GET_TIMEOUTS"),
            Map.entry(IOCTL_SERIAL_SET_DTR, "IOCTL_SERIAL_SET_DTR"),
            Map.entry(IOCTL_SERIAL_CLR_DTR, "IOCTL_SERIAL_CLR_DTR"),
            Map.entry(IOCTL_SERIAL_RESET_DEVICE, "IOCTL_SERIAL_RESET_DEVICE"),
            Map.entry(IOCTL_SERIAL_SET_RTS, "IOCTL_SERIAL_SET_RTS"),
            Map.entry(IOCTL_SERIAL_CLR_RTS, "IOCTL_SERIAL_CLR_RTS"),
            Map.entry(IOCTL_SERIAL_SET_XOFF, "IOCTL_SERIAL_SET_XOFF"),
            Map.entry(IOCTL_SERIAL_SET_XON, "IOCTL_SERIAL_SET_XON"),
            Map.entry(IOCTL_SERIAL_GET_WAIT_MASK, "IOCTL_SERIAL_GET_WAIT_MASK"),
            Map.entry(IOCTL_SERIAL_SET_WAIT_MASK, "IOCTL_SERIAL_SET_WAIT_MASK"),
            Map.entry(IOCTL_SERIAL_WAIT_ON_MASK, "IOCTL_SERIAL_WAIT_ON_MASK"),
            Map.entry(IOCTL_SERIAL_PURGE, "IOCTL_SERIAL_PURGE"),
            Map.entry(IOCTL_SERIAL_GET_BAUD_RATE, "IOCTL_SERIAL_GET_BAUD_RATE"),
            Map.entry(IOCTL_SERIAL_GET_LINE_CONTROL, "IOCTL_SERIAL_GET_LINE_CONTROL"),
            Map.entry(IOCTL_SERIAL_GET_CHARS, "IOCTL_SERIAL_GET_CHARS"),
            Map.entry(IOCTL_SERIAL_SET_CHARS, "IOCTL_SERIAL_SET_CHARS"),
            Map.entry(IOCTL_SERIAL_GET_HANDFLOW, "IOCTL_SERIAL_GET_HANDFLOW"),
            Map.entry(IOCTL_SERIAL_SET_HANDFLOW, "IOCTL_SERIAL_SET_HANDFLOW"),
            Map.entry(IOCTL_SERIAL_GET_MODEMSTATUS, "IOCTL_SERIAL_GET_MODEMSTATUS"),
            Map.entry(IOCTL_SERIAL_GET_COMMSTATUS, "IOCTL_SERIAL_GET_COMMSTATUS"),
            Map.entry(IOCTL_SERIAL_GET_DTRRTS, "IOCTL_SERIAL_GET_DTRRTS"),
            Map.entry(IOCTL_SERIAL_GET_MODEM_CONTROL, "IOCTL_SERIAL_GET_MODEM_CONTROL"),
            Map.entry(IOCTL_SERIAL_SET_MODEM_CONTROL, "IOCTL_SERIAL_SET_MODEM_CONTROL"),
            Map.entry(IOCTL_SERIAL_SET_FIFO_CONTROL, "IOCTL_SERIAL_SET_FIFO_CONTROL"));

    private SerialIoctl() {
    }

    /** The code's name, e.g. {@code IOCTL_SERIAL_SET_BAUD_RATE}, or its {@link CtlCode#describe description}. */
    public static String name(int ioControlCode) {
        String name = NAMES.get(ioControlCode);
        return name != null ? name : CtlCode.describe(ioControlCode);
    }
}
