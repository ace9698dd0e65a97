package org.wdf4j;

import org.wdf4j.spi.WdfFunctions;

/**
 * The driver's trace output ({@code DbgPrint}/{@code KdPrint}): a line that goes to the host's log,
 * tagged with the driver's name, and into the driver's journal, which the unload report shows in
 * order with the framework's callbacks.
 *
 * <p>A driver uses this rather than a logging library of its own so that nothing of its logging
 * outlives its unload.
 */
public final class DbgPrint {

    private DbgPrint() {
    }

    /** Prints one line; {@code args} are formatted as by {@link String#format}. */
    public static void print(String format, Object... args) {
        WdfFunctions.get().dbgPrint(args.length == 0 ? format : String.format(format, args));
    }
}
