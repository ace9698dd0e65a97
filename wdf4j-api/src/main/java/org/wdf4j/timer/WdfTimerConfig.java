package org.wdf4j.timer;

import java.time.Duration;
import java.util.Objects;

/**
 * {@code WDF_TIMER_CONFIG}.
 *
 * @param evtTimerFunc the callback, never null
 * @param period {@link Duration#ZERO} for a one-shot timer, else the time between two expirations of
 *     a periodic timer (WDF's {@code Period}, in milliseconds there)
 * @param automaticSerialization the callback runs under the synchronization lock of the timer's
 *     parent (see {@code docs/object-model.md}); ignored when the parent's synchronization scope is NONE
 * @param tolerableDelay how late the timer may expire (WDF's {@code TolerableDelay}); a hint, kept
 *     for the API's shape: wdf4j's timers never coalesce
 */
public record WdfTimerConfig(EvtTimerFunc evtTimerFunc, Duration period, boolean automaticSerialization,
                             Duration tolerableDelay) {

    public WdfTimerConfig {
        Objects.requireNonNull(evtTimerFunc, "evtTimerFunc");
        Objects.requireNonNull(period, "period");
        Objects.requireNonNull(tolerableDelay, "tolerableDelay");
        if (period.isNegative() || tolerableDelay.isNegative()) {
            throw new IllegalArgumentException("period and tolerableDelay must not be negative");
        }
    }

    /** {@code WDF_TIMER_CONFIG_INIT}: a one-shot timer, automatic serialization on. */
    public static WdfTimerConfig init(EvtTimerFunc evtTimerFunc) {
        return new WdfTimerConfig(evtTimerFunc, Duration.ZERO, true, Duration.ZERO);
    }

    /** {@code WDF_TIMER_CONFIG_INIT_PERIODIC}: a periodic timer, automatic serialization on. */
    public static WdfTimerConfig initPeriodic(EvtTimerFunc evtTimerFunc, Duration period) {
        return new WdfTimerConfig(evtTimerFunc, period, true, Duration.ZERO);
    }

    public WdfTimerConfig withAutomaticSerialization(boolean value) {
        return new WdfTimerConfig(evtTimerFunc, period, value, tolerableDelay);
    }

    public WdfTimerConfig withTolerableDelay(Duration value) {
        return new WdfTimerConfig(evtTimerFunc, period, automaticSerialization, value);
    }

    /** True for a periodic timer. */
    public boolean isPeriodic() {
        return !period.isZero();
    }
}
