package org.wdf4j.device;

/**
 * {@code EVT_WDF_FILE_CLOSE}: every request of the open is done; the file object is deleted after this returns.
 */
@FunctionalInterface
public interface EvtFileClose {
    void fileClose(WdfFileObject fileObject);
}
