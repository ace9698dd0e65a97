/**
 * WDF's {@code wdftimer.h}: timers ({@link org.wdf4j.timer.WdfTimer}, {@code WDFTIMER}), one-shot or
 * periodic, whose callback runs at DISPATCH_LEVEL on the driver's dispatch framework thread, or at
 * PASSIVE_LEVEL on its passive framework thread when the timer's execution level is PASSIVE.
 */
package org.wdf4j.timer;
