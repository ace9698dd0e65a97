package org.wdf4j.registry;

/** The {@code DesiredAccess} of a registry key: what the driver may do with the key it opens. */
public enum WdfKeyAccess {
    /** Query values only; assignments and removals answer STATUS_ACCESS_DENIED. */
    KEY_READ(true, false),
    /** Assign and remove values only; queries answer STATUS_ACCESS_DENIED. */
    KEY_WRITE(false, true),
    /** Query, assign and remove. */
    KEY_ALL_ACCESS(true, true);

    private final boolean read;
    private final boolean write;

    WdfKeyAccess(boolean read, boolean write) {
        this.read = read;
        this.write = write;
    }

    /** Whether values may be queried through a key opened with this access. */
    public boolean canRead() {
        return read;
    }

    /** Whether values may be assigned and removed through a key opened with this access. */
    public boolean canWrite() {
        return write;
    }
}
