package org.wdf4j.framework;

import java.util.UUID;

/**
 * Where the host tells a driver's {@code WdfInterfaceNotification} that an interface of its class arrived or went
 * (ST9). Called on any host thread; it only queues the driver's callback, never blocks.
 */
@FunctionalInterface
public interface FxInterfaceListener {

    void interfaceChanged(boolean arrival, UUID interfaceClassGuid, String symbolicLinkName);
}
