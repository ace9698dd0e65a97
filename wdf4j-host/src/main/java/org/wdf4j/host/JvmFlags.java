package org.wdf4j.host;

import java.util.List;

/** The options of the JVMs that run drivers: the host's, and the driver-host processes it starts. */
public final class JvmFlags {

    /**
     * What the JVM itself must refuse a driver (rule H9): {@code sun.misc.Unsafe}'s memory access (JEP 471 and 498)
     * throws {@link UnsupportedOperationException} instead of reading or writing memory outside Java's checks. The
     * {@code wdf4j} launcher (the last line of the {@code wdf4j} script) and the host module's test JVMs pass the same
     * flags; a test compares the launcher with this list, so change both together.
     */
    public static final List<String> HARDENING = List.of("--sun-misc-unsafe-memory-access=deny");

    private JvmFlags() {
    }
}
