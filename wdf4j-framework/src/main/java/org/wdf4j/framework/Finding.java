package org.wdf4j.framework;

/**
 * Something the framework or the verifier found wrong with a driver: a violation, a bug check, an
 * exception thrown by a callback, a leak. Holds text only, never a driver's objects or classes, so
 * that a report cannot keep an unloaded driver in memory.
 *
 * @param kind what sort of finding
 * @param rule the rule or code broken (e.g. {@code WDF_OBJECT_ERROR}, {@code STATUS_CANNOT_DELETE})
 * @param object the object concerned, or an empty string
 * @param message what happened, in words
 * @param stack where it happened (a stack trace or the allocation stack), or an empty string
 */
public record Finding(Kind kind, String rule, String object, String message, String stack) {

    /** Kinds of findings. */
    public enum Kind { VIOLATION, BUG_CHECK, EXCEPTION, LEAK }
}
