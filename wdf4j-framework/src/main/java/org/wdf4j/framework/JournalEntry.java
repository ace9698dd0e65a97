package org.wdf4j.framework;

/**
 * One event in a driver's journal: the callbacks the framework made into the driver, the driver's
 * trace lines, and what went wrong, in the order they happened.
 *
 * @param kind what happened
 * @param subject the object or function concerned (e.g. {@code WDFOBJECT#3 [BufferContext]})
 * @param detail more about it (a status, a message), or an empty string
 * @param irql the execution level the event happened at
 * @param thread the name of the thread it happened on
 */
public record JournalEntry(Kind kind, String subject, String detail, org.wdf4j.Irql irql, String thread) {

    /** Kinds of journal entries. */
    public enum Kind {
        DRIVER_ENTRY, DRIVER_ENTRY_RETURNED, EVT_DRIVER_UNLOAD, CLEANUP, DESTROY, DBG_PRINT,
        EXCEPTION, BUG_CHECK, VIOLATION, LEAK,
        /** A PnP or power callback the framework made (subject: the device; detail: the callback and its result). */
        PNP,
        /**
         * Requests and I/O targets between drivers (subject: the request or target; detail: what happened), including
         * events a state did not expect, which are recorded rather than dropped.
         */
        IO,
        /** Entries the journal dropped past its limit (the detail says how many). */
        DROPPED,
        /** The verifier failed a framework call on purpose (allocate-fail; subject: the function; detail: which call). */
        FAULT_INJECTED
    }

    @Override
    public String toString() {
        String base = switch (kind) {
            case DRIVER_ENTRY -> "DriverEntry(" + subject + ")";
            case DRIVER_ENTRY_RETURNED -> "DriverEntry returned " + detail;
            case EVT_DRIVER_UNLOAD -> "EvtDriverUnload(" + subject + ")";
            case CLEANUP -> "EvtCleanupCallback(" + subject + ")";
            case DESTROY -> "EvtDestroyCallback(" + subject + ")";
            case DBG_PRINT -> "DbgPrint: " + detail;
            case EXCEPTION -> "exception in " + subject + ": " + detail;
            case BUG_CHECK -> "bug check: " + detail;
            case VIOLATION -> "verifier: " + detail;
            case LEAK -> "leak: " + subject + " " + detail;
            case PNP, IO -> subject + ": " + detail;
            case DROPPED -> "... " + detail;
            case FAULT_INJECTED -> "verifier failed " + subject + ": " + detail;
        };
        return base;
    }
}
