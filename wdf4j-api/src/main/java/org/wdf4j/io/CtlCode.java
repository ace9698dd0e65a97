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
 *
 * <p><b>Codes that Linux programs can send.</b> A program calling {@code ioctl(2)} on a device's file reaches the
 * driver with the Linux request number as the control code, unchanged. The kernel moves the buffers only as the
 * number encodes them ({@code _IOC_DIR} and {@code _IOC_SIZE}: {@code _IOW} copies {@code size} bytes in, {@code _IOR}
 * copies up to {@code size} bytes out, {@code _IOWR} both), so a code meant for Linux programs is built with
 * {@link #ioctlIo}, {@link #ioctlIor}, {@link #ioctlIow} or {@link #ioctlIowr}, and the driver sees an input buffer of
 * exactly the encoded size and an output buffer of that size. A Windows {@code CTL_CODE} value read as a Linux number
 * encodes some other direction and size, so drivers that serve both kinds of client answer both codes:
 *
 * <pre>{@code
 * static final int IOCTL_NONPNP_METHOD_BUFFERED = CtlCode.of(FILE_DEVICE_UNKNOWN, 0x802, METHOD_BUFFERED, FILE_ANY_ACCESS);
 * static final int IOCTL_NONPNP_LINUX_BUFFERED = CtlCode.ioctlIowr('N', 2, 64);  // _IOWR('N', 2, char[64])
 * }</pre>
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

    /** {@code _IOC_NONE}: the Linux {@code ioctl} moves no data. */
    public static final int IOC_NONE = 0;
    /** {@code _IOC_WRITE}: the program's data goes to the driver (the request's input buffer). */
    public static final int IOC_WRITE = 1;
    /** {@code _IOC_READ}: the driver's data goes to the program (the request's output buffer). */
    public static final int IOC_READ = 2;
    /** The largest buffer a Linux request number can encode ({@code _IOC_SIZEBITS} = 14). */
    public static final int IOC_MAX_SIZE = (1 << 14) - 1;

    /**
     * Linux's {@code _IOC(dir, type, nr, size)}: {@code (dir << 30) | (size << 16) | (type << 8) | nr}.
     *
     * @param direction {@link #IOC_NONE}, or {@link #IOC_WRITE} and/or {@link #IOC_READ}
     * @param type the driver's magic number, 0..255 (usually a character, for example {@code 'N'})
     * @param number the command's number, 0..255
     * @param size the buffer size in bytes, 0..{@link #IOC_MAX_SIZE}
     * @throws IllegalArgumentException when a field is out of range
     */
    public static int ioctl(int direction, int type, int number, int size) {
        if (direction < 0 || direction > 3 || type < 0 || type > 0xFF || number < 0 || number > 0xFF || size < 0
                || size > IOC_MAX_SIZE) {
            throw new IllegalArgumentException(String.format(
                    "_IOC(%d, 0x%X, 0x%X, %d): direction must be 0..3, type and number 0..255, size 0..%d",
                    direction, type, number, size, IOC_MAX_SIZE));
        }
        return (direction << 30) | (size << 16) | (type << 8) | number;
    }

    /** Linux's {@code _IO(type, nr)}: no data either way. */
    public static int ioctlIo(int type, int number) {
        return ioctl(IOC_NONE, type, number, 0);
    }

    /** Linux's {@code _IOR(type, nr, size)}: the driver returns up to {@code size} bytes. */
    public static int ioctlIor(int type, int number, int size) {
        return ioctl(IOC_READ, type, number, size);
    }

    /** Linux's {@code _IOW(type, nr, size)}: the program passes {@code size} bytes. */
    public static int ioctlIow(int type, int number, int size) {
        return ioctl(IOC_WRITE, type, number, size);
    }

    /** Linux's {@code _IOWR(type, nr, size)}: {@code size} bytes in, up to {@code size} bytes back. */
    public static int ioctlIowr(int type, int number, int size) {
        return ioctl(IOC_READ | IOC_WRITE, type, number, size);
    }

    /** {@code _IOC_DIR}: the direction bits of a Linux request number. */
    public static int ioctlDirection(int code) {
        return code >>> 30;
    }

    /** {@code _IOC_SIZE}: the buffer size a Linux request number encodes. */
    public static int ioctlSize(int code) {
        return (code >>> 16) & IOC_MAX_SIZE;
    }
}
