package org.wdf4j;

import java.util.Objects;

/**
 * The framework stopping a driver for breaking a contract: the Java form of a WDF_VIOLATION
 * (0x10D) bug check.
 *
 * <p>Unlike a kernel bug check it stops only the driver that broke the contract: the host reports
 * it with the driver's name and this stack, marks the driver failed, tears the driver down and
 * keeps running. A driver should not catch it; it is not an expected failure (those are statuses).
 */
public final class WdfBugCheck extends RuntimeException {

    /** The WDF_VIOLATION bug check code. */
    public static final int WDF_VIOLATION = 0x10D;

    private static final long serialVersionUID = 1L;

    private final WdfBugCheckCode subCode;
    private final String driverName;

    public WdfBugCheck(WdfBugCheckCode subCode, String driverName, String message) {
        super(format(subCode, driverName, message));
        this.subCode = Objects.requireNonNull(subCode, "subCode");
        this.driverName = driverName;
    }

    private static String format(WdfBugCheckCode subCode, String driverName, String message) {
        return String.format("WDF_VIOLATION (0x%X) %s (0x%X) in driver %s: %s",
                WDF_VIOLATION, subCode, subCode.value(), driverName == null ? "<unknown>" : driverName, message);
    }

    /** Always {@link #WDF_VIOLATION}. */
    public int bugCheckCode() {
        return WDF_VIOLATION;
    }

    /** Which contract was broken. */
    public WdfBugCheckCode subCode() {
        return subCode;
    }

    /** The driver that broke it, or null when the caller could not be attributed to a driver. */
    public String driverName() {
        return driverName;
    }
}
