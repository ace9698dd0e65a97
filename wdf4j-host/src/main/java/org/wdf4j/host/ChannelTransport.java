package org.wdf4j.host;

import org.wdf4j.host.isolation.SharedChannelFile;

/**
 * How the host and a driver host carry their messages: through memory both map ({@link SharedChannelFile}, the
 * default where futexes work) or through the driver host's standard input and output; and how long a side waiting
 * for a message spins before it sleeps.
 *
 * <p>Set by system properties of the host's JVM: {@value #TRANSPORT} ({@code shared} or {@code pipe}) and
 * {@value #SPIN} (microseconds; 0 never spins). Spinning trades CPU for latency: a driver host whose device is busy keeps
 * a CPU busy for up to the spin after each message, and answers a request without being woken
 * (BENCHMARKS.md, section 8). On a machine with one CPU nobody spins, whatever the setting says.
 *
 * @param shared whether the channel is in shared memory (else on the pipes)
 * @param spinNanos how long each side spins for a message before it sleeps
 */
record ChannelTransport(boolean shared, long spinNanos) {

    /** The system property that chooses the transport: {@code shared} (the default) or {@code pipe}. */
    static final String TRANSPORT = "wdf4j.driverHost.channel";
    /** The system property that sets the spin, in microseconds. */
    static final String SPIN = "wdf4j.driverHost.spinMicros";
    /** The spin when none is set. */
    static final long DEFAULT_SPIN_MICROS = 50;

    ChannelTransport {
        if (spinNanos < 0) {
            throw new IllegalArgumentException("a negative spin: " + spinNanos + " ns");
        }
        if (Runtime.getRuntime().availableProcessors() < 2) {
            spinNanos = 0; // a spinner would only keep the other side from running
        }
    }

    /** The transport the system properties choose. */
    static ChannelTransport configured() {
        String transport = System.getProperty(TRANSPORT, "shared");
        boolean shared = switch (transport) {
            case "shared" -> SharedChannelFile.available();
            case "pipe" -> false;
            default -> throw new IllegalArgumentException("-D" + TRANSPORT + "=" + transport
                    + ": not a driver-host channel; use shared (memory both processes map) or pipe");
        };
        String spin = System.getProperty(SPIN, Long.toString(DEFAULT_SPIN_MICROS));
        long micros;
        try {
            micros = Long.parseLong(spin.strip());
        } catch (NumberFormatException e) {
            micros = -1;
        }
        if (micros < 0 || micros > 10_000_000) {
            throw new IllegalArgumentException("-D" + SPIN + "=" + spin
                    + ": not a spin; give the microseconds a waiting side spins before it sleeps, 0 to 10000000");
        }
        return new ChannelTransport(shared, micros * 1_000);
    }
}
