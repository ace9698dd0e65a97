package org.wdf4j.device;

/**
 * {@code EVT_WDF_FILE_CLEANUP}: the client closed its last handle to the open; requests of that open may still be in progress.
 */
@FunctionalInterface
public interface EvtFileCleanup {
    void fileCleanup(WdfFileObject fileObject);
}
