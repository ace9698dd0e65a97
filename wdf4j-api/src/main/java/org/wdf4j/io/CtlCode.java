package org.wdf4j.io;

/**
 * Device I/O control codes, built as Windows' {@code CTL_CODE(DeviceType, Function, Method, Access)}:
 * {@code (DeviceType << 16) | (Access << 14) | (Function << 2) | Method}.
 *
 * <pre>{@code
 * static final int IOCTL_ECHO_PING = CtlCode.of(CtlCode.FILE_DEVICE_UNKNOWN, 0x800, CtlCode.METHOD_BUFFERED,
 *         CtlCode.FILE_ANY_ACCESS);
 * }</pre>
 *
 * <p>wdf4j copies both buffers of every control request (the request's input and output buffers never alias the
 * client's memory), so every method behaves like METHOD_BUFFERED. Functions 0x800 and above are for vendors.
 */
public final class CtlCode {

    public static final int FILE_DEVICE_UNKNOWN = 0x22;
    public static final int METHOD_BUFFERED = 0;
    public static final int METHOD_IN_DIRECT = 1;
    public static final int METHOD_OUT_DIRECT = 2;
    public static final int METHOD_NEITHER = 3;
    public static final int FILE_ANY_ACCESS = 0;
    public static final int FILE_READ_DATA = 1;
    public static final int FILE_WRITE_DATA = 2;

    private CtlCode() {
    }

    /**
     * {@code CTL_CODE}.
     *
     * @throws IllegalArgumentException when a field is out of range (device type 0..0xFFFF, function 0..0xFFF,
     *     method 0..3, access 0..3)
     */
    public static int of(int deviceType, int function, int method, int access) {
        if (deviceType < 0 || deviceType > 0xFFFF || function < 0 || function > 0xFFF || method < 0 || method > 3
                || access < 0 || access > 3) {
            throw new IllegalArgumentException(String.format(
                    "CTL_CODE(0x%X, 0x%X, %d, %d): device type must be 0..0xFFFF, function 0..0xFFF, method and access 0..3",
                    deviceType, function, method, access));
        }
        return (deviceType << 16) | (access << 14) | (function << 2) | method;
    }

    /** {@code DEVICE_TYPE_FROM_CTL_CODE}. */
    public static int deviceType(int code) {
        return code >>> 16;
    }

    /** The function number of a control code. */
    public static int function(int code) {
        return (code >>> 2) & 0xFFF;
    }

    /** {@code METHOD_FROM_CTL_CODE}. */
    public static int method(int code) {
        return code & 3;
    }

    /** The required access of a control code. */
    public static int access(int code) {
        return (code >>> 14) & 3;
    }

    /** The code as {@code CTL_CODE(0x22, 0x800, METHOD_BUFFERED, FILE_ANY_ACCESS) = 0x00222000}. */
    public static String describe(int code) {
        String[] methods = {"METHOD_BUFFERED", "METHOD_IN_DIRECT", "METHOD_OUT_DIRECT", "METHOD_NEITHER"};
        return String.format("CTL_CODE(0x%X, 0x%X, %s, %d) = 0x%08X", deviceType(code), function(code),
                methods[method(code)], access(code), code);
    }
}
