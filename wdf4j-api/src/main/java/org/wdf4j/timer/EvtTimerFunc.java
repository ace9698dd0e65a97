package org.wdf4j.timer;

/**
 * {@code EVT_WDF_TIMER}: a timer's callback. Called at DISPATCH_LEVEL, or at PASSIVE_LEVEL when the
 * timer's effective execution level is PASSIVE.
 */
@FunctionalInterface
public interface EvtTimerFunc {
    void timerFunc(WdfTimer timer);
}
