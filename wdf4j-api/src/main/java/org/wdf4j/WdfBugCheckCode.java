package org.wdf4j;

/**
 * The sub-codes of the WDF_VIOLATION bug check (0x10D), with the values of {@code wdfbugcodes.h}, and
 * wdf4j's own from 0x1000 on, for contracts that only a host running drivers in-process has. The
 * sub-code is the first parameter of the bug check and says which contract was broken.
 */
public enum WdfBugCheckCode {
    WDF_POWER_ROUTINE_TIMED_OUT(0x1),
    WDF_RECURSIVE_LOCK(0x2),
    WDF_VERIFIER_FATAL_ERROR(0x3),
    WDF_REQUIRED_PARAMETER_IS_NULL(0x4),
    WDF_INVALID_HANDLE(0x5),
    WDF_REQUEST_FATAL_ERROR(0x6),
    WDF_OBJECT_ERROR(0x7),
    WDF_DMA_FATAL_ERROR(0x8),
    WDF_INVALID_INTERRUPT(0x9),
    WDF_QUEUE_FATAL_ERROR(0xA),
    WDF_INVALID_LOCK_OPERATION(0xB),
    WDF_PNP_FATAL_ERROR(0xC),
    WDF_POWER_MULTIPLE_PPO(0xD),
    WDF_VERIFIER_IRQL_MISMATCH(0xE),
    WDF_VERIFIER_CRITICAL_REGION_MISMATCH(0xF),
    /**
     * wdf4j's own: an in-process driver made a call the host refuses (rule H9 of the hosting rules):
     * {@code System.exit}, {@code Runtime.exit} or {@code Runtime.halt}, directly or through reflection or a
     * method handle. See {@link HostGuard}.
     */
    WDF4J_HOST_CALL_REFUSED(0x1000);

    private final int value;

    WdfBugCheckCode(int value) {
        this.value = value;
    }

    /** The numeric sub-code. */
    public int value() {
        return value;
    }
}
