package org.wdf4j.framework;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.wdf4j.framework.trace.Trace;

/**
 * What the framework records of one driver, for its unload report and its tracing (WDF's in-flight recorder log and
 * the verifier's findings): the journal of what happened, bounded, and the findings. Every finding is also a journal
 * entry and a JFR event ({@link Trace}). Text only: nothing here holds a driver's exceptions, objects or classes, so a
 * report outlives the driver's code.
 *
 * <p>Thread-safe: every mutable field is guarded by this object's monitor, which is never held while anything else is
 * called (a JFR event is committed outside it).
 */
final class FxDriverJournal {

    /** The journal keeps its first {@value #HEAD} entries and its newest {@value #TAIL}. */
    static final int HEAD = 1_000;
    static final int TAIL = 9_000;

    /** The driver's name, for its JFR events. Immutable. */
    private final String driverName;
    /** The first {@link #HEAD} entries, in order. Guarded by this. */
    private final List<JournalEntry> head = new ArrayList<>();
    /** The newest entries after the head, at most {@link #TAIL}, in order. Guarded by this. */
    private final ArrayDeque<JournalEntry> tail = new ArrayDeque<>();
    /** How many entries fell out between the head and the tail. Guarded by this. */
    private int dropped;
    /** The findings, in order. Guarded by this. */
    private final List<Finding> findings = new ArrayList<>();

    FxDriverJournal(String driverName) {
        this.driverName = driverName;
    }

    /** Journals what happened, on the calling thread at its IRQL. */
    synchronized void entry(JournalEntry.Kind kind, String subject, String detail) {
        JournalEntry entry = new JournalEntry(kind, subject, detail, FxThreadState.currentIrql(),
                Thread.currentThread().getName());
        if (head.size() < HEAD) {
            head.add(entry);
            return;
        }
        if (tail.size() == TAIL) {
            tail.removeFirst();
            dropped++;
        }
        tail.addLast(entry);
    }

    /** A finding only (the caller journals what happened in its own words). */
    synchronized void finding(Finding.Kind kind, String rule, String subject, String message, String stack) {
        findings.add(new Finding(kind, rule, subject, message, stack));
    }

    /** A rule broken (a violation, a hang): a finding, a journal entry and a JFR event. */
    void violation(Finding.Kind kind, String rule, String subject, String message, String stack) {
        finding(kind, rule, subject, message, stack);
        entry(JournalEntry.Kind.VIOLATION, subject, rule + ": " + message);
        Trace.violation(driverName, rule, subject, message, stack);
    }

    /** A driver callback threw: a finding with the exception's stack, a journal entry and a JFR event. */
    void exception(String where, Throwable t) {
        String stack = Stacks.of(t);
        finding(Finding.Kind.EXCEPTION, t.getClass().getName(), "", where + " threw " + t, stack);
        entry(JournalEntry.Kind.EXCEPTION, where, t.toString());
        Trace.exception(driverName, where, stack);
    }

    /** Something of the driver outlived it: a finding with where it was made, a journal entry and a JFR event. */
    void leak(String kind, String subject, String description, String journalDetail, String allocatedAt) {
        finding(Finding.Kind.LEAK, kind, subject, description, allocatedAt);
        entry(JournalEntry.Kind.LEAK, subject, journalDetail);
        Trace.leak(driverName, kind, description, allocatedAt);
    }

    /** A bug check: a finding, a journal entry and a JFR event. */
    void bugCheck(String code, String message, String stack) {
        finding(Finding.Kind.BUG_CHECK, code, "", message, stack);
        entry(JournalEntry.Kind.BUG_CHECK, "", code + ": " + message);
        Trace.bugCheck(driverName, code, message, stack);
    }

    /** A line the driver printed ({@code DbgPrint}). */
    void dbgPrint(String line) {
        entry(JournalEntry.Kind.DBG_PRINT, "", line);
        Trace.dbgPrint(driverName, line);
    }

    /**
     * The journal in order. Past its limit the oldest entries after the first {@value #HEAD} are dropped, and one
     * DROPPED entry stands where they were.
     */
    synchronized List<JournalEntry> entries() {
        List<JournalEntry> all = new ArrayList<>(head);
        if (dropped > 0) {
            all.add(new JournalEntry(JournalEntry.Kind.DROPPED, "", dropped + " entries not kept",
                    org.wdf4j.Irql.PASSIVE_LEVEL, ""));
        }
        all.addAll(tail);
        return all;
    }

    synchronized List<Finding> findings() {
        return List.copyOf(findings);
    }
}
