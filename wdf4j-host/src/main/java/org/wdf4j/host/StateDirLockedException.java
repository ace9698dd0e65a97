package org.wdf4j.host;

import java.nio.file.Path;

/** Another host (or another wdf4j command) holds the state directory's lock: one host per state directory. */
public final class StateDirLockedException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    private final transient Path stateDir;

    public StateDirLockedException(Path stateDir, String message) {
        super(message);
        this.stateDir = stateDir;
    }

    public Path stateDir() {
        return stateDir;
    }
}
